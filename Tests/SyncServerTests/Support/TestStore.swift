@testable import GridSyncServer

/// The engine the server tests run against, and the one place that names it: a second engine
/// (PostgreSQL) is chosen here, and every test outside `SQLiteStore/` runs against it unchanged.
enum TestStore {
    /// The store of the data directory `directory`, as `sync-server` and its commands open it.
    static func open(directory: String) throws -> any SyncStore & StoreInspection {
        try SQLiteStore.open(directory: directory)
    }
}
