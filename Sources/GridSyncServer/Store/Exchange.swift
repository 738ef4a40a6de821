package import Foundation
package import Shared

/// The county's settings that the exchange applies.
package struct ExchangeRules: Sendable {
    /// How far ahead of the server's clock an operation's HLC may be.
    var maxDriftMilliseconds: UInt64 = HybridLogicalClock.defaultMaxDriftMilliseconds
    /// The prefix of registry numbers (挂号), for example `FM` for Fumeng.
    var registryPrefix = "FM"
    /// The most operations one exchange may carry (`sync.maxBatchOperations`).
    var maxBatchOperations = 1000
    /// Operations per pulled page (`sync.pageSize`).
    var pageSize = 1000

    package init(
        maxDriftMilliseconds: UInt64 = HybridLogicalClock.defaultMaxDriftMilliseconds,
        registryPrefix: String = "FM",
        maxBatchOperations: Int = 1000,
        pageSize: Int = 1000
    ) {
        self.maxDriftMilliseconds = maxDriftMilliseconds
        self.registryPrefix = registryPrefix
        self.maxBatchOperations = maxBatchOperations
        self.pageSize = pageSize
    }
}

/// An exchange that passed every rule that needs no store: protocol version, batch size,
/// authorship, schema, clock drift, and who an event may act for.
///
/// Only ``ExchangeRules/check(_:from:now:)`` makes one, so every store is handed exchanges the
/// same rules let through, and those rules are written once, here.
package struct CheckedExchange: Sendable {
    package let request: SyncRequest
    /// The canonical JSON of each of the request's operations, as the log stores it: ready before
    /// the exchange reaches the store, because every exchange waits its turn for the store's one
    /// writer and what the writer need not do shortens every wait.
    package let bodies: [Data]
    package let agent: EnrolledAgent
    /// The server's time when the exchange arrived, in milliseconds since 1970.
    package let now: UInt64
    package let rules: ExchangeRules

    fileprivate init(request: ReceivedSyncRequest, agent: EnrolledAgent, now: UInt64, rules: ExchangeRules) {
        self.request = request.request
        bodies = request.bodies
        self.agent = agent
        self.now = now
        self.rules = rules
    }
}

extension ExchangeRules {
    /// Checks what can be judged from the request alone.
    ///
    /// - Throws: ``ExchangeError`` naming the first rule broken.
    package func check(
        _ received: ReceivedSyncRequest,
        from agent: EnrolledAgent,
        now: UInt64
    ) throws -> CheckedExchange {
        let request = received.request
        guard request.protocolVersion == ProtocolVersion.current else {
            throw ExchangeError.unsupportedVersion(request.protocolVersion)
        }
        guard request.operations.count <= maxBatchOperations else {
            throw ExchangeError.tooManyOperations(request.operations.count, limit: maxBatchOperations)
        }
        let clock = HybridLogicalClock(maxDriftMilliseconds: maxDriftMilliseconds)
        var drifted: [Dot] = []
        for operation in request.operations {
            guard operation.dot.replica == agent.replica else { throw ExchangeError.notAuthor(operation.dot) }
            do { try operation.validate() } catch { throw ExchangeError.invalid(error, dot: operation.dot) }
            if case .event(let event) = operation.payload {
                if event.action == .register { throw ExchangeError.serverOnly(operation.dot) }
                // An agent acts for the node it is enrolled at, and nobody else.
                guard event.node == agent.gridId else {
                    throw ExchangeError.wrongNode(operation.dot, agentGrid: agent.gridId)
                }
            }
            do { try clock.checkDrift(of: operation.hlc, now: now) } catch { drifted.append(operation.dot) }
        }
        if !drifted.isEmpty { throw ExchangeError.clockDrift(drifted, bound: maxDriftMilliseconds) }
        return CheckedExchange(request: received, agent: agent, now: now, rules: self)
    }
}

/// What one exchange did: the batch stored and the page pulled, in one transaction.
package struct ExchangeOutcome: Sendable {
    /// Every operation of the agent up to this counter is stored.
    package let acknowledgedThrough: UInt64
    /// Operations stored by this request (0 for a pure retry).
    package let stored: Int
    /// Conflicts that this batch opened.
    package let conflictsOpened: Int
    /// Incidents registered by this batch.
    package let registered: Int
    /// The request's operations acknowledged as set aside (this time or when first sent).
    package var setAside: [SetAsideNotice] = []
    /// What the agent pulls, read after the batch was stored.
    package var page: PulledPage
}

/// One page of operations for an agent, as stored canonical JSON, ready to splice into a response.
package struct PulledPage: Sendable {
    let operations: [Data]
    let cursor: UInt64
    let hasMore: Bool
    /// The store's current epoch, read in the same transaction.
    let store: StoreEpoch
    /// On the last page: the digest of the agent's subtree, read in the same transaction, so it is
    /// what the agent holds once it has applied the page (and its own acknowledged operations).
    var digest: ScopeDigest?
}
