import Columnar
import Connectors
import Testing

/// The CSV settings shared by `upload`'s options and a pipeline's `csv:` block.
@Suite struct CSVSettingsTests {
    @Test func schemaSpecsIncludingDecimalCommas() throws {
        let s = try CSVSettings.parseSchema("id=string, amount=decimal(12,2),when=timestamptz,day=date")
        #expect(s == ["id": .string, "amount": .decimal(precision: 12, scale: 2),
                      "when": .timestamp(unit: .microsecond, utc: true), "day": .date])
    }

    @Test func schemaSpecsWithNestedTypes() throws {
        let s = try CSVSettings.parseSchema("tags=list<string>,attrs=map<string,int64>,address=struct<city:string,zip:string>")
        #expect(s == ["tags": .list(of: .string), "attrs": .map(.string, .int64),
                      "address": .structure([Field("city", .string), Field("zip", .string)])])
    }

    @Test func schemaSpecsRejectUnknownTypesAndDuplicates() {
        for bad in ["a=money", "a=int64,a=string", "justaname", "=int64"] {
            #expect(throws: InvalidSetting.self) { try CSVSettings.parseSchema(bad) }
        }
    }

    /// Each bad value names its setting, so the command line and the config can say which.
    @Test func badValuesNameTheirSetting() {
        func setting(_ edit: (inout CSVSettings) -> Void) -> String? {
            var s = CSVSettings()
            edit(&s)
            do { try s.validate(); return nil } catch let e as InvalidSetting { return e.setting } catch { return "?" }
        }
        #expect(setting { $0.delimiter = ";;" } == "delimiter")
        #expect(setting { $0.quote = "`" } == "quote")
        #expect(setting { $0.encoding = "klingon" } == "encoding")
        #expect(setting { $0.badRows = "ignore" } == "bad_rows")
        #expect(setting { $0.decimals = "float" } == "decimals")
        #expect(setting { $0.dateOrder = "YMD" } == "date_order")
        #expect(setting { $0.skipRows = -1 } == "skip_rows")
        #expect(setting { $0.delimiter = "tab"; $0.encoding = "cp932"; $0.badRows = "skip" } == nil)
    }

    @Test func optionsCarryTheValues() throws {
        var s = CSVSettings()
        s.delimiter = "\\t"
        s.header = false
        s.badRows = "reject"
        s.nullValues = ["NULL", "N/A"]
        s.dateOrder = "dmy"
        let csv = try s.csvOptions(inputPath: "in.csv")
        #expect(csv.delimiter == 0x09 && csv.hasHeader == false && csv.badRows == .reject(path: "in.csv.rejects.csv"))
        let inference = try s.inferenceOptions()
        #expect(inference.nullValues == ["NULL", "N/A"] && inference.dateOrder == .dmy)
    }
}
