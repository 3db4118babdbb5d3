import Connectors
import Lake
import Pipelines
import Testing

@Suite struct LoadSettingsTests {
    @Test func byteSizes() {
        #expect(ByteSize.parse("512MiB") == 512 << 20)
        #expect(ByteSize.parse("64MB") == 64_000_000)
        #expect(ByteSize.parse("1GiB") == 1 << 30)
        #expect(ByteSize.parse("1048576") == 1_048_576)
        #expect(ByteSize.parse("lots") == nil)
        #expect(ByteSize.parse("99999999999GiB") == nil)
    }

    @Test func badValuesNameTheirSetting() throws {
        func setting(_ edit: (inout LoadSettings) -> Void) -> String? {
            var s = LoadSettings()
            edit(&s)
            do { try s.validate(); return nil } catch let e as InvalidSetting { return e.setting } catch { return "?" }
        }
        #expect(setting { $0.mode = "overwrite" } == "mode")
        #expect(setting { $0.partitionTimezone = "Mars/Base" } == "partition_timezone")
        #expect(setting { $0.maxFileSize = "10KB" } == "max_file_size")
        #expect(setting { $0.compression = "lz4" } == "compression")
        var s = LoadSettings()
        s.mode = "append"
        s.partitionColumn = "day"
        s.partitionTimezone = "Asia/Tokyo"
        let o = try s.loadOptions()
        #expect(o.mode == .append && o.partitionColumn == "day" && o.partitionTimeZone.identifier == "Asia/Tokyo")
    }
}
