import Foundation
import Testing
@testable import ObjectStore

@Suite struct S3XMLTests {
    @Test func listPageWithURLEncodedKeys() {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>lake</Name><Prefix>p%2F</Prefix>
            <KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
            <Contents><Key>p/date%3D2025-01-01/a+b%26c.parquet</Key><LastModified>2025-01-02T03:04:05.000Z</LastModified>
            <ETag>&quot;abc&quot;</ETag><Size>42</Size><StorageClass>STANDARD</StorageClass></Contents>
            <Contents><Key>p/caf%C3%A9</Key><Size>0</Size></Contents>
            <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken></ListBucketResult>
            """
        let page = S3ListPage(xml: xml)
        #expect(page.objects.map(\.key) == ["p/date=2025-01-01/a b&c.parquet", "p/caf\u{e9}"])
        #expect(page.objects.map(\.size) == [42, 0])
        #expect(page.objects[0].etag == "\"abc\"")
        #expect(page.objects[0].lastModified == Date(timeIntervalSince1970: 1_735_787_045))
        #expect(page.isTruncated)
        #expect(page.nextToken == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
    }

    @Test func errorBodiesAndEscaping() {
        let body = S3ErrorBody(xml: "<?xml version=\"1.0\"?>\n<Error><Code>SlowDown</Code><Message>Please &amp; reduce</Message><RequestId>R1</RequestId></Error>")
        #expect(body.code == "SlowDown" && body.message == "Please & reduce" && body.requestID == "R1")
        #expect(S3XML.rootIs("Error", in: "<?xml version=\"1.0\"?>\n<Error><Code>x</Code></Error>"))
        #expect(!S3XML.rootIs("Error", in: "<CompleteMultipartUploadResult><Error/></CompleteMultipartUploadResult>"))
        #expect(S3XML.escape("a<b>&\"c'\r") == "a&lt;b&gt;&amp;&quot;c&apos;&#xd;")
        #expect(S3XML.unescape("&#x41;&#66;&lt;&unknown;") == "AB<&unknown;")
        #expect(S3XML.elements("Key", in: "<KeyCount>1</KeyCount><Key>k</Key><Key/>") == ["k", ""])
    }
}
