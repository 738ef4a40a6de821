import Testing

@testable import GridSyncAgent

/// Which addresses may carry the token over plain http: this machine, named literally, and nothing else.
@Suite struct ServerAddressTests {
    @Test(arguments: [
        "localhost", "LocalHost", "127.0.0.1", "127.255.255.254", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1",
    ])
    func loopback(host: String) {
        #expect(ServerAddress.isLoopback(host: host))
    }

    /// Shorthand IPv4 forms, names that merely look local, and other machines are not loopback.
    @Test(arguments: [
        "127.1", "0x7f.0.0.1", "0177.0.0.1", "127.0.0.1.nip.io", "localhost.example.com", "gridsync.localhost", "vm",
        "128.0.0.1", "10.0.0.5", "192.168.1.20", "::2", "::ffff:10.0.0.1", "",
    ])
    func notLoopback(host: String) {
        #expect(!ServerAddress.isLoopback(host: host))
    }

    @Test func onlyPlainHTTPOffThisMachineExposesTheToken() throws {
        #expect(try #require(ServerAddress("http://10.0.0.5:8080")).exposesToken)
        #expect(try #require(ServerAddress("HTTP://sync.example.gov.cn")).exposesToken)
        #expect(try !#require(ServerAddress("https://10.0.0.5:8443")).exposesToken)
        #expect(try !#require(ServerAddress("http://127.0.0.1:8080/")).exposesToken)
        let ipv6 = try #require(ServerAddress("http://[::1]:8080"))
        #expect(ipv6.host == "::1" && !ipv6.exposesToken && ipv6.isLoopback)
    }

    @Test(arguments: ["ftp://sync.example.gov.cn", "sync.example.gov.cn", "http://", "https:///v1", "not a url"])
    func notAServerAddress(text: String) {
        #expect(ServerAddress(text) == nil)
    }
}
