import GRDB
import Shared

/// Writes the batches that arrive together in one SQLite transaction (group commit).
///
/// SQLite has one writer. When hundreds of agents sync at once, committing each batch on its own
/// spends most of the time writing the same index pages again; here every batch waiting for the
/// writer joins the next transaction, each inside its own savepoint (a batch alone needs none), so
/// a refused batch rolls back alone and the others still commit. Every batch is answered only after
/// the commit, so nothing is acknowledged that is not durable.
package actor GroupCommit {
    /// One exchange's work inside the shared transaction; it throws to refuse the batch.
    typealias Work = @Sendable (Database) throws -> (ExchangeOutcome, [SavedRecord])

    private struct Job {
        let work: Work
        let continuation: CheckedContinuation<ExchangeOutcome, any Error>
    }

    private let writer: any DatabaseWriter
    private let cache: RecordCache
    private var pending: [Job] = []
    private var writing = false
    /// Transactions committed so far; with the batches answered, how much the grouping saved.
    package private(set) var transactions = 0

    init(writer: any DatabaseWriter, cache: RecordCache) {
        self.writer = writer
        self.cache = cache
    }

    /// Runs `work` in the next group transaction and returns once that transaction has committed.
    func submit(_ work: @escaping Work) async throws -> ExchangeOutcome {
        try await withCheckedThrowingContinuation { continuation in
            pending.append(Job(work: work, continuation: continuation))
            if !writing {
                writing = true
                Task { await drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let jobs = pending
            pending = []
            transactions += 1
            let results = await commit(jobs.map(\.work))
            for (job, result) in zip(jobs, results) {
                if case .success(let (_, saved)) = result { cache.store(saved) }
                job.continuation.resume(with: result.map(\.0))
            }
        }
        writing = false
    }

    /// Runs `works` in one transaction; each result says whether that batch is stored.
    private func commit(_ works: [Work]) async -> [Result<(ExchangeOutcome, [SavedRecord]), any Error>] {
        if works.count == 1 {
            // Alone, the batch needs no savepoint: a refusal rolls the whole transaction back.
            do { return [.success(try await writer.write { try works[0]($0) })] } catch { return [.failure(error)] }
        }
        do {
            return try await writer.write { db in
                works.map { work in
                    var result: Result<(ExchangeOutcome, [SavedRecord]), any Error> = .failure(CancellationError())
                    do {
                        try db.inSavepoint {
                            do {
                                result = .success(try work(db))
                                return .commit
                            } catch {
                                result = .failure(error)
                                return .rollback
                            }
                        }
                    } catch {
                        result = .failure(error)
                    }
                    return result
                }
            }
        } catch {
            return works.map { _ in .failure(error) }
        }
    }
}
