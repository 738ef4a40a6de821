package import Foundation
import Shared

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The county's records on disk are for the server's user alone: the data directory 0700, the
/// database with its `-wal` and `-shm` files and every backup 0600, whatever umask the operator's
/// shell or service manager set.
///
/// `sync-server` sets its umask to 0077 first thing, which covers every file SQLite creates (it
/// gives `-wal` and `-shm` the database's own mode). The explicit modes here cover the rest: a
/// directory or database an older release left readable by others, and callers that did not set
/// the umask (the tests, the benchmarks).
package enum PrivateFiles {
    /// What the process creates is for its user alone.
    package static let umask: mode_t = 0o077

    /// One path that was open to other users, and its mode then.
    struct Loosened: Equatable {
        let path: String
        let formerMode: mode_t
    }

    /// Creates `path` and its missing parents with mode 0700, or takes group and other access away
    /// from a directory that exists.
    ///
    /// - Returns: the directory's former mode when it had to be tightened.
    static func directory(_ path: String) throws -> Loosened? {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            try FileManager.default.createDirectory(
                atPath: path,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        }
        return try restrict(path)
    }

    /// Takes group and other access away from a file or directory, when it exists.
    ///
    /// - Returns: its former mode when it had to be tightened; nil when it was private or is absent.
    @discardableResult
    static func restrict(_ path: String) throws -> Loosened? {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw cannotRestrict(path)
        }
        let mode = status.st_mode & 0o7777
        guard mode & 0o077 != 0 else { return nil }
        guard chmod(path, mode & 0o700) == 0 else { throw cannotRestrict(path) }
        return Loosened(path: path, formerMode: mode)
    }

    /// Creates `path` as an empty file with mode 0600, refusing one that exists (even a link).
    ///
    /// - Returns: false when something is there already.
    package static func createNew(_ path: String) throws -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { return false }
            throw ModelError.invalid(
                LocalizedText(
                    "Cannot create \(path): \(String(cString: strerror(errno))).",
                    zh: "无法创建 \(path)：\(String(cString: strerror(errno)))。"
                )
            )
        }
        defer { close(descriptor) }
        // The mode given to open() passes through the umask; a caller's umask can only narrow it,
        // but fchmod makes it exact either way.
        guard fchmod(descriptor, 0o600) == 0 else { throw cannotRestrict(path) }
        return true
    }

    /// The one sentence an operator reads when a data directory was open to others.
    static func notice(directory: String, _ loosened: [Loosened]) -> LocalizedText? {
        guard let first = loosened.first else { return nil }
        let mode = String(first.formerMode, radix: 8)
        return LocalizedText(
            "\(directory) was open to other users (\(first.path) had mode 0\(mode)); it is now readable by this user alone (0700, files 0600).",
            zh: "\(directory) 曾允许其他用户访问（\(first.path) 的权限为 0\(mode)）；现已改为仅本用户可读写（目录 0700，文件 0600）。"
        )
    }

    private static func cannotRestrict(_ path: String) -> ModelError {
        let reason = String(cString: strerror(errno))
        return ModelError.invalid(
            LocalizedText(
                "Cannot make \(path) private to this user (\(reason)); run sync-server as the user who owns it.",
                zh: "无法将 \(path) 设为仅本用户可访问（\(reason)）；请以该文件所有者的身份运行 sync-server。"
            )
        )
    }
}
