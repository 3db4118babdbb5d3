import Columnar
import JSON

/// The types of the dataset a run appends to (`SchemaFollowing.follow`), handed to the JSON
/// reader as stored types: used for the fields the records have, ignored for the others.
struct FollowedSchema {
    private var types: [String: DataType] = [:]

    mutating func follow(_ stored: Schema) {
        types = Dictionary(stored.fields.map { ($0.name, $0.type) }) { a, _ in a }
    }

    /// `base` with the stored types; a type the spec declares still wins.
    func options(_ base: JSONOptions) -> JSONOptions {
        var o = base
        o.inference.storedTypes = types
        return o
    }
}
