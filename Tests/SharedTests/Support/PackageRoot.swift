import Foundation

/// The package's root folder, found from this file's path, for tests that read files the repository ships.
enum PackageRoot {
    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // SharedTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
}
