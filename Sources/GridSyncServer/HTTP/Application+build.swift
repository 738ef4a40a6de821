import Foundation
package import Hummingbird
import HummingbirdCore
import HummingbirdTLS
package import Logging
import NIOSSL
import ServiceLifecycle
import Shared

/// Every path the daemon serves with the methods it takes (``MethodNotAllowedMiddleware`` answers
/// the others with 405); `buildRouter` and ``SyncRoutes/register(on:)`` register exactly these.
let servedEndpoints: [String: [HTTPRequest.Method]] = [
    "/health": [.get], "/metrics": [.get], "/v1/enroll": [.post], "/v1/sync": [.post], "/v1/snapshot": [.get],
    "/v1/records": [.post], "/v1/digest": [.get],
]

/// Builds the router: the agents' endpoints, health and metrics.
func buildRouter(
    store: any SyncStore,
    settings: ServerSettings,
    metrics: ServerMetrics,
    now: @escaping @Sendable () -> UInt64
) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: ObservingMiddleware(metrics: metrics))
    router.add(middleware: MethodNotAllowedMiddleware(methods: servedEndpoints))
    router.get("/health") { request, _ in
        WireBody.json(Data(#"{"status":"ok"}"#.utf8), for: request)
    }
    router.get("/metrics") { _, _ in
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4"],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.render()))
        )
    }
    SyncRoutes(store: store, settings: settings, metrics: metrics, now: now).register(on: router)
    return router
}

/// Builds the daemon: HTTP (or HTTPS) on the configured address, plus the compaction and
/// escalation services.
///
/// `now` is the server's clock in milliseconds since 1970; tests pass their own. `onListening`
/// receives the bound port once the server accepts connections (the real one when asked for port 0).
package func buildApplication(
    settings: ServerSettings,
    store: any SyncStore,
    logger: Logger,
    now: @escaping @Sendable () -> UInt64 = WallClock.nowMilliseconds,
    onListening: @escaping @Sendable (Int) -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let metrics = ServerMetrics()
    let router = buildRouter(store: store, settings: settings, metrics: metrics, now: now)
    let compaction = CompactionService(
        store: store,
        retentionMilliseconds: UInt64(settings.retentionDays) * 86_400_000,
        interval: .seconds(settings.compactionIntervalSeconds),
        logger: logger,
        now: now
    )
    let escalation = EscalationService(
        store: store,
        interval: .seconds(settings.escalationIntervalSeconds),
        logger: logger,
        now: now
    )
    let configuration = ApplicationConfiguration(
        address: .hostname(settings.host, port: settings.port),
        serverName: "GridSync",
        availableConnectionsDelegate: MaximumAvailableConnections(settings.maxConnections, logger: logger)
    )
    return Application(
        router: router,
        server: try httpServer(settings),
        configuration: configuration,
        services: [compaction, escalation],
        onServerRunning: { channel in onListening(channel.localAddress?.port ?? settings.port) },
        logger: logger
    )
}

/// HTTP/1.1 with the idle and request timeouts, or HTTPS when a certificate and key are configured.
private func httpServer(_ settings: ServerSettings) throws -> HTTPServerBuilder {
    let http1 = HTTPServerBuilder { responder in
        DeadlineHTTP1Channel(
            base: HTTP1Channel(
                responder: responder,
                configuration: HTTP1Channel.Configuration(idleTimeout: .seconds(Int64(settings.idleTimeoutSeconds)))
            ),
            requestTimeout: .seconds(Int64(settings.requestTimeoutSeconds))
        )
    }
    guard let certificate = settings.tlsCertificate, let key = settings.tlsKey else { return http1 }
    return try .tls(http1, tlsConfiguration: serverTLSConfiguration(certificate: certificate, key: key))
}

/// The daemon's TLS: the configured certificate, and nothing older than TLS 1.2.
///
/// NIOSSL's servers accept TLS 1.0 by default; 1.0 and 1.1 are deprecated (RFC 8996) and every
/// agent's libcurl speaks 1.2 or newer, so a client offering less is an attacker's downgrade or
/// software that should not hold a token.
private func serverTLSConfiguration(certificate: String, key: String) throws -> TLSConfiguration {
    var tls = TLSConfiguration.makeServerConfiguration(
        certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
        privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
    )
    tls.minimumTLSVersion = .tlsv12
    return tls
}
