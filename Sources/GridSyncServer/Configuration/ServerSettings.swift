import Shared

/// Everything the daemon can be told, with the defaults a county starts from.
///
/// Read from, highest first: command-line flags, `SYNC_SERVER_*` environment variables, the JSON
/// file given with `--config`, and these defaults (see ``ServerSettings/load(flags:environment:configFile:)``).
package struct ServerSettings: Sendable, Equatable {
    /// `data` (env `SYNC_SERVER_DATA`): where `server.sqlite` lives.
    package var dataDirectory = "./sync-data"
    /// `http.host`
    package var host = "127.0.0.1"
    /// `http.port`
    package var port = 8080
    /// `tls.cert`, `tls.key`: PEM files; both or neither.
    package var tlsCertificate: String?
    var tlsKey: String?
    /// `http.idleTimeoutSeconds`: a connection with no request in progress is closed after this long.
    var idleTimeoutSeconds = 60
    /// `http.requestTimeoutSeconds`: the longest a request may take to arrive, from its first byte
    /// until the server starts answering. A 512 kbit/s village link carries the largest body
    /// allowed (`sync.maxBodyBytes`) in about 131 seconds.
    var requestTimeoutSeconds = 300
    /// `http.maxConnections`: connections served at once; more wait in the listen backlog.
    var maxConnections = 512
    /// `log.level`: trace, debug, info, notice, warning, error or critical.
    package var logLevel = "info"
    /// `sync.maxBodyBytes`: largest compressed request body.
    var maxBodyBytes = 8 << 20
    /// `sync.maxInflatedBytes`: largest request body once inflated.
    var maxInflatedBytes = 32 << 20
    /// `sync.maxBatchOperations`: the most operations one exchange may push (the agent sends 1,000).
    var maxBatchOperations = 1000
    /// `sync.maxConcurrentExchanges`: exchanges inflated, decoded and merged at once; up to four
    /// times as many wait for a turn, and beyond that they get 503 with `Retry-After`. With the
    /// body limits it bounds the memory requests hold (see README, "Limits"). Fewer than the
    /// batches arriving together would thin out group commit: 16 cost a fifth of the county
    /// evening's throughput.
    var maxConcurrentExchanges = 64
    /// `sync.pageSize`: operations per pulled page.
    var pageSize = 1000
    /// `sync.snapshotPageSize`: records per snapshot page.
    var snapshotPageSize = 500
    /// `sync.maxDriftSeconds`: how far ahead of the server an operation's clock may be.
    var maxDriftSeconds = 300
    /// `county.registryPrefix`: registry numbers read PREFIX-YYYYMMDD-NNNNNN.
    var registryPrefix = "FM"
    /// `oplog.retentionDays`: operations older than this are dropped; agents behind them resync.
    var retentionDays = 90
    /// `oplog.compactionIntervalSeconds`: how often compaction runs.
    var compactionIntervalSeconds = 3600
    /// `incidents.escalationIntervalSeconds`: how often the deadline sweep runs.
    var escalationIntervalSeconds = 900

    var exchangeRules: ExchangeRules {
        ExchangeRules(
            maxDriftMilliseconds: UInt64(maxDriftSeconds) * 1000,
            registryPrefix: registryPrefix,
            maxBatchOperations: maxBatchOperations,
            pageSize: pageSize
        )
    }

    /// The defaults a county starts from.
    package init() {}
}
