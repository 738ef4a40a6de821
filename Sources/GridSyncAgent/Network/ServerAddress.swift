import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The county server's address as the worker gave it, judged before the token goes anywhere.
///
/// Every request carries the bearer token, and over plain http anyone on the way (the village's
/// Wi-Fi, the township's network) can read it and then write to the county's records as this
/// laptop. Plain http is therefore for this machine alone — the demo, a server on the same
/// laptop, the tests — unless the operator accepts the risk with `--insecure-http`. This machine
/// means `localhost`, 127.0.0.0/8 or ::1 written out: a name that resolves there today may not
/// tomorrow, so no other name counts.
package struct ServerAddress: Equatable {
    /// The address as given, which the agent stores and calls.
    package let url: String
    /// The host, without the brackets of an IPv6 literal.
    package let host: String
    let isPlainHTTP: Bool

    /// Reads an `http://` or `https://` address with a host; nil for anything else.
    package init?(_ text: String) {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = components.host, !host.isEmpty
        else { return nil }
        url = text
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        isPlainHTTP = scheme == "http"
    }

    /// Whether the server is this machine, so that no proxy can be on the way.
    package var isLoopback: Bool { Self.isLoopback(host: host) }

    /// Whether the token would cross a network unencrypted: plain http to anything but this machine.
    package var exposesToken: Bool { isPlainHTTP && !isLoopback }

    /// `localhost`, an IPv4 address in 127.0.0.0/8 in dotted-quad form, or the IPv6 loopback
    /// (also as an IPv4-mapped 127 address).
    static func isLoopback(host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        if let octets = dottedQuad(host) { return octets[0] == 127 }
        var address = in6_addr()
        guard inet_pton(AF_INET6, host, &address) == 1 else { return false }
        let bytes = withUnsafeBytes(of: &address) { Array($0) }
        if bytes[..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
        return bytes[..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
    }

    /// Four decimal numbers 0–255 separated by dots, and nothing else: the shorthand forms
    /// libc also accepts (`127.1`, `0x7f.1`) are not taken as loopback.
    private static func dottedQuad(_ host: String) -> [Int]? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let octets = parts.compactMap { part -> Int? in
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber) else {
                return nil
            }
            return Int(part).flatMap { $0 <= 255 ? $0 : nil }
        }
        return octets.count == 4 ? octets : nil
    }
}
