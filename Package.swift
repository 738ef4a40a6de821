// swift-tools-version: 6.1
import PackageDescription

/// Every target compiles with the same strict settings (see STYLE.md, practice 1).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "GridSync",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sync-server", targets: ["SyncServer"]),
        .executable(name: "field-agent", targets: ["FieldAgent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.14.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.9.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.30.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "Shared",
            dependencies: ["CZlib"],
            swiftSettings: swiftSettings
        ),
        /// The SHA-256 behind the scope digest, which both tools must compute alike.
        .target(
            name: "RecordDigest",
            dependencies: ["Shared", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        /// What both command-line tools share at the terminal: language, tables, JSON, exit codes.
        .target(
            name: "ConsoleSupport",
            dependencies: [
                "Shared",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The county daemon: the store and the merge of batches, the endpoints, the background
        /// services and the demo county, for `sync-server` and the benchmarks to drive.
        .target(
            name: "GridSyncServer",
            dependencies: [
                "Shared",
                "RecordDigest",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The village laptop's replica and outbox and its sync client, for `field-agent` and any
        /// other front end (the worker's web pages) to drive.
        .target(
            name: "GridSyncAgent",
            dependencies: [
                "Shared",
                "RecordDigest",
                "CCurl",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        /// `sync-server`: argument parsing over ``GridSyncServer``.
        .executableTarget(
            name: "SyncServer",
            dependencies: [
                "Shared",
                "GridSyncServer",
                "ConsoleSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        /// `field-agent`: argument parsing and terminal views over ``GridSyncAgent``.
        .executableTarget(
            name: "FieldAgent",
            dependencies: [
                "Shared",
                "GridSyncAgent",
                "ConsoleSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        /// Real processes and a faulty network for the tests: the daemon, the agent, the fault proxy.
        .target(
            name: "GridSyncTestSupport",
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        /// The random replica schedules that the convergence property tests play over the in-memory
        /// replica and over the laptop's SQLite replica alike.
        .target(
            name: "ConvergenceSupport",
            dependencies: ["Shared"],
            path: "Tests/ConvergenceSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SyncServerTests",
            dependencies: [
                "GridSyncServer",
                "Shared",
                "RecordDigest",
                "GridSyncTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FieldAgentTests",
            dependencies: [
                "GridSyncAgent",
                "Shared",
                "GridSyncTestSupport",
                "ConvergenceSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SharedTests",
            dependencies: [
                "Shared",
                "ConvergenceSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

/// The benchmarks drive both libraries and link an HTTP client that nothing shipped needs, so they
/// are built only when asked for, as Hummingbird gates its own:
/// `GRIDSYNC_BENCHMARKS=1 swift build -c release --product gridsync-bench`.
if Context.environment["GRIDSYNC_BENCHMARKS"] != nil {
    package.products.append(.executable(name: "gridsync-bench", targets: ["GridSyncBenchmarks"]))
    package.targets.append(
        .executableTarget(
            name: "GridSyncBenchmarks",
            dependencies: [
                "Shared",
                "GridSyncServer",
                "GridSyncAgent",
                "ConsoleSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/GridSyncBenchmarks",
            swiftSettings: swiftSettings
        )
    )
}
