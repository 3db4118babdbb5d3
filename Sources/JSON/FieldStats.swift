import Columnar
import Foundation
import Inference

/// Pass 1's statistics of one JSON field (or of a list's elements, or a map's values): what
/// kinds of value it held, how its numbers and strings infer, and its own fields when it held
/// objects. Mergeable: blocks observed on any core merge in input order, so fields keep the
/// order in which they first appear.
final class FieldStats {
    enum Kind: Int, CaseIterable { case boolean, number, string, object, array }

    var nulls = 0
    /// `""`: null in a typed column, an empty string in a string column (as CSV's `""`).
    var emptyStrings = 0
    var booleans = 0
    var numbers: ValueInference
    var strings: ValueInference
    var objects = 0
    var arrays = 0
    /// Keys held by all objects together (for telling a map from a wide struct).
    var keysTotal = 0
    /// Object fields in order of first appearance.
    private(set) var keys: [[UInt8]] = []
    private(set) var children: [FieldStats] = []
    /// `children` again, unretained: pass 1 hands a child to the walker for every value, and
    /// retaining and releasing it each time was 3% of a JSON load. `children` owns them.
    private var childRefs: [Unmanaged<FieldStats>] = []
    private var index: [[UInt8]: Int] = [:]
    /// Past `mapKeyLimit` distinct keys the fields are no struct's: their values merge here.
    private(set) var mapValues: FieldStats? {
        didSet { mapValuesRef = mapValues.map { .passUnretained($0) } }
    }
    private var mapValuesRef: Unmanaged<FieldStats>?
    var isMap: Bool { mapValuesRef != nil }
    var element: FieldStats?
    /// The first value of each kind, as evidence for reasons and warnings.
    private(set) var first: [Kind: Witness] = [:]
    /// Bit `kind.rawValue` set once `first` holds that kind: `note` runs for every value, and a
    /// dictionary lookup there was a tenth of pass 1's time (hashing an enum each time).
    private var noted: UInt8 = 0
    /// The last object that visited this field (duplicate keys show as a second visit).
    var lastVisit = -1
    // The previous object's keys in order, compared byte for byte before any hashing.
    private var recentKeys: [[UInt8]] = []
    private var recentChildren: [Int] = []

    /// More distinct keys than this and a field is surely a map, however its keys are spread.
    static let mapKeyLimit = 4096

    let options: InferenceOptions

    init(options: InferenceOptions) {
        self.options = options
        numbers = ValueInference(options: options, candidates: .numbers)
        strings = ValueInference(options: options, candidates: .temporal)
    }

    var distinctKeys: Int { mapValues == nil ? keys.count : Self.mapKeyLimit + 1 }

    func note(_ kind: Kind, _ witness: @autoclosure () -> Witness) {
        let bit: UInt8 = 1 << UInt8(kind.rawValue)
        if noted & bit == 0 {
            noted |= bit
            first[kind] = witness()
        }
    }

    /// The child for key `p[0..<n]` at position `position` of the current object.
    @inline(__always)
    func child(_ p: UnsafePointer<UInt8>, _ n: Int, position: Int) -> Unmanaged<FieldStats> {
        if let values = mapValuesRef { return values }
        if position < recentKeys.count, recentKeys[position].count == n,
           recentKeys[position].withUnsafeBufferPointer({ sameBytes($0.baseAddress!, p, n) }) {
            return childRefs[recentChildren[position]]
        }
        let key = Array(UnsafeBufferPointer(start: p, count: n))
        let i: Int
        if let known = index[key] {
            i = known
        } else {
            if keys.count >= Self.mapKeyLimit { return .passUnretained(becomeMap()) }
            i = keys.count
            keys.append(key)
            let c = FieldStats(options: options)
            children.append(c)
            childRefs.append(.passUnretained(c))
            index[key] = i
        }
        if position < recentKeys.count {
            recentKeys[position] = key
            recentChildren[position] = i
        } else if position == recentKeys.count {
            recentKeys.append(key)
            recentChildren.append(i)
        }
        return childRefs[i]
    }

    /// Too many distinct keys: from now on every value goes to one merged statistics.
    private func becomeMap() -> FieldStats {
        let values = FieldStats(options: options)
        for c in children { values.merge(c) }
        mapValues = values
        keys = []
        children = []
        childRefs = []
        index = [:]
        recentKeys = []
        recentChildren = []
        return values
    }

    func elementStats() -> FieldStats {
        if let e = element { return e }
        let e = FieldStats(options: options)
        element = e
        return e
    }

    /// Everything the values below a map's keys held, merged.
    func mergedValues() -> FieldStats {
        let values = FieldStats(options: options)
        if let m = mapValues { values.merge(m) }
        for c in children { values.merge(c) }
        return values
    }

    /// Adds `other`'s observations (a later block's); fields new to this one go last.
    func merge(_ other: FieldStats) {
        nulls += other.nulls
        emptyStrings += other.emptyStrings
        booleans += other.booleans
        numbers.merge(other.numbers)
        strings.merge(other.strings)
        objects += other.objects
        arrays += other.arrays
        keysTotal += other.keysTotal
        for (kind, w) in other.first where first[kind].map({ w.record < $0.record }) ?? true {
            first[kind] = w
            noted |= 1 << UInt8(kind.rawValue)
        }
        if let theirs = other.element { elementStats().merge(theirs) }
        if mapValues != nil || other.mapValues != nil || keys.count + other.keys.count > Self.mapKeyLimit {
            let values = mapValues ?? becomeMap()
            values.merge(other.mergedValues())
            return
        }
        for (k, key) in other.keys.enumerated() {
            if let i = index[key] {
                children[i].merge(other.children[k])
            } else {
                index[key] = keys.count
                keys.append(key)
                children.append(other.children[k])
                childRefs.append(.passUnretained(other.children[k]))
            }
        }
    }

    /// The kinds of non-null value seen (empty strings count as nulls in typed columns).
    var kinds: [Kind] {
        var out: [Kind] = []
        if booleans > 0 { out.append(.boolean) }
        if numbers.count > 0 { out.append(.number) }
        if strings.count > 0 { out.append(.string) }
        if objects > 0 { out.append(.object) }
        if arrays > 0 { out.append(.array) }
        return out
    }
}

/// A value that decided something, and where: for reasons and warnings.
struct Witness: Sendable {
    var text: String
    var record: Int
    var line: Int

    init(_ p: UnsafePointer<UInt8>, _ n: Int, record: Int, line: Int) {
        text = String(decoding: UnsafeBufferPointer(start: p, count: min(n, 60)), as: UTF8.self) + (n > 60 ? "…" : "")
        self.record = record
        self.line = line
    }

    init(text: String, record: Int, line: Int) {
        self.text = text
        self.record = record
        self.line = line
    }

    var place: String { "record \(record), line \(line)" }
}
