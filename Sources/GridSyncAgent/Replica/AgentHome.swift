import Foundation
import Shared

/// The agent's data directory: the replica database and the credential, readable by the worker alone.
///
/// `--data-dir`, else `FIELD_AGENT_HOME`, else `~/.local/share/field-agent`. The directory is
/// created with mode 0700 and the credential file with 0600: the token lets anyone holding it
/// write to the county's records.
package struct AgentHome {
    package let path: String

    package init(path: String) { self.path = path }

    package static func resolve(
        _ option: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> AgentHome {
        if let option, !option.isEmpty { return AgentHome(path: option) }
        if let home = environment["FIELD_AGENT_HOME"], !home.isEmpty { return AgentHome(path: home) }
        let user = environment["HOME"] ?? NSHomeDirectory()
        return AgentHome(path: (user as NSString).appendingPathComponent(".local/share/field-agent"))
    }

    var credentialPath: String { (path as NSString).appendingPathComponent("credential") }
    var lockPath: String { (path as NSString).appendingPathComponent("sync.lock") }
    var databasePath: String { (path as NSString).appendingPathComponent(AgentDatabase.fileName) }

    /// Creates the directory (0700) if needed, tightening the mode of one that exists.
    package func create() throws {
        try FileManager.default.createDirectory(
            atPath: path,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
    }

    /// Stores the bearer token with mode 0600, written under a temporary name first so a crash
    /// never leaves half a token.
    package func saveCredential(_ token: String) throws {
        let temporary = credentialPath + ".new"
        guard
            FileManager.default.createFile(
                atPath: temporary,
                contents: Data((token + "\n").utf8),
                attributes: [.posixPermissions: 0o600]
            )
        else { throw AgentError.cannotWrite(temporary) }
        guard rename(temporary, credentialPath) == 0 else { throw AgentError.cannotWrite(credentialPath) }
    }

    package func credential() throws -> String {
        guard let text = try? String(contentsOfFile: credentialPath, encoding: .utf8) else {
            throw AgentError.notEnrolled
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The replica database; every command but `enroll` needs it enrolled (the replica row says so).
    package func database() throws -> AgentDatabase {
        guard FileManager.default.fileExists(atPath: databasePath) else { throw AgentError.notEnrolled }
        return try AgentDatabase.open(directory: path)
    }

    /// Holds an exclusive lock on the data directory while `body` runs, so two syncs never
    /// interleave on one replica.
    package func withSyncLock<Value>(_ body: () throws -> Value) throws -> Value {
        let descriptor = open(lockPath, O_CREAT | O_RDWR, 0o600)
        guard descriptor >= 0 else { throw AgentError.cannotWrite(lockPath) }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { throw AgentError.syncInProgress }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
