// swift-tools-version: 6.1
import PackageDescription

/// A library module of DataFi: target `DataFi<name>`, one library product of the same name.
struct Module {
    let name: String
    let path: String
    let dependencies: [Target.Dependency]
    let testDependencies: [Target.Dependency]
    let testResources: [Resource]?
    /// False when the module is tested by the test target of the umbrella that re-exports it.
    let hasTests: Bool

    init(_ name: String, path: String, dependencies: [Target.Dependency] = [],
         testDependencies: [Target.Dependency] = [], testResources: [Resource]? = nil, hasTests: Bool = true) {
        self.name = name
        self.path = path
        self.dependencies = dependencies
        self.testDependencies = testDependencies
        self.testResources = testResources
        self.hasTests = hasTests
    }
}

let modules: [Module] = [
    Module("DataFiSupport", path: "Sources/Support"),
    Module("DataFiBigNum", path: "Sources/Crypto/BigNum", dependencies: ["CGMP"]),
    Module("DataFiSodium", path: "Sources/Crypto/Sodium", dependencies: ["CSodium"]),
    Module("DataFiRistretto", path: "Sources/Crypto/Ristretto", dependencies: ["CSodium", "CCurveVector", "DataFiSodium"],
           testDependencies: ["DataFiSupport", "CCurveVector", "CSodium"]),
    Module("DataFiZK", path: "Sources/Crypto/ZK",
           dependencies: ["CSodium", "CCurveVector", "DataFiRistretto", "DataFiSodium", "DataFiSupport"],
           testDependencies: ["CSodium", "DataFiSodium"]),
    Module("DataFiPaillier", path: "Sources/Crypto/Paillier", dependencies: ["CGMP", "DataFiBigNum", "DataFiSodium"]),
    Module("DataFiPSI", path: "Sources/Crypto/PSI", dependencies: ["DataFiSodium", "DataFiRistretto", "DataFiPaillier",
                                                                   "DataFiSupport"]),
    Module("DataFiAMM", path: "Sources/AMM", dependencies: ["DataFiBigNum"], testDependencies: ["DataFiSupport"]),
    Module("DataFiAMMReplay", path: "Sources/AMMReplay", dependencies: ["DataFiAMM", "DataFiBigNum", "DataFiSupport"]),
    Module("DataFiMarket", path: "Sources/Market", dependencies: ["DataFiAMM", "DataFiBigNum", "DataFiSodium"],
           testDependencies: ["DataFiSecAgg"]),
    Module("DataFiPrivacy", path: "Sources/Privacy", dependencies: ["DataFiSodium"], testDependencies: ["DataFiSupport"]),
    Module("DataFiZhangRank", path: "Sources/Credit/ZhangRank", dependencies: ["DataFiSupport"],
           testDependencies: ["DataFiSupport"]),
    Module("DataFiPerson2Vec", path: "Sources/Credit/Person2Vec", dependencies: ["DataFiSupport"],
           testDependencies: ["DataFiSupport"]),
    // Credit scoring, one module per concept; `DataFiCredit` re-exports them all.
    Module("DataFiCreditData", path: "Sources/Credit/Data", hasTests: false),
    Module("DataFiLogisticRegression", path: "Sources/Credit/LogisticRegression",
           dependencies: ["DataFiSupport", "DataFiCreditData"], hasTests: false),
    Module("DataFiCreditMetrics", path: "Sources/Credit/Metrics",
           dependencies: ["DataFiSupport", "DataFiCreditData", "DataFiLogisticRegression"], hasTests: false),
    Module("DataFiScorecard", path: "Sources/Credit/Scorecard",
           dependencies: ["DataFiSupport", "DataFiCreditData", "DataFiLogisticRegression", "DataFiCreditMetrics"],
           hasTests: false),
    Module("DataFiDPSGD", path: "Sources/Credit/DPSGD",
           dependencies: ["DataFiSupport", "DataFiPrivacy", "DataFiCreditData", "DataFiLogisticRegression"],
           hasTests: false),
    Module("DataFiScorePlus", path: "Sources/Credit/ScorePlus",
           dependencies: ["DataFiCreditData", "DataFiLogisticRegression", "DataFiScorecard",
                          "DataFiZhangRank", "DataFiPerson2Vec"], hasTests: false),
    Module("DataFiCredit", path: "Sources/Credit/Credit",
           dependencies: ["DataFiCreditData", "DataFiLogisticRegression", "DataFiCreditMetrics", "DataFiScorecard",
                          "DataFiDPSGD", "DataFiScorePlus"],
           testDependencies: ["DataFiCreditData", "DataFiLogisticRegression", "DataFiCreditMetrics", "DataFiScorecard",
                              "DataFiDPSGD", "DataFiScorePlus", "DataFiSupport"],
           testResources: [.copy("Fixtures")]),
    Module("DataFiJointRisk", path: "Sources/Credit/JointRisk", dependencies: ["DataFiPSI", "DataFiPaillier"]),
    Module("DataFiLedger", path: "Sources/Ledger/Core", dependencies: ["DataFiSodium", "DataFiZK"],
           testDependencies: ["DataFiSodium", "DataFiSupport"], testResources: [.copy("Fixtures")]),
    Module("DataFiLedgerSQLite", path: "Sources/Ledger/SQLite",
           dependencies: ["DataFiLedger", .product(name: "GRDB", package: "GRDB.swift")],
           testDependencies: ["DataFiLedgerMarket", "DataFiMarket", "DataFiSodium"]),
    Module("DataFiLedgerMarket", path: "Sources/Ledger/Market", dependencies: ["DataFiLedger", "DataFiMarket"],
           testDependencies: ["DataFiMarket", "DataFiSodium", "DataFiBigNum", "DataFiSupport"]),
    Module("DataFiSecAgg", path: "Sources/Federated/SecureAggregation",
           dependencies: ["CSodium", "DataFiSodium", "DataFiBigNum", "DataFiPrivacy", "DataFiSupport"]),
    Module("DataFiFederated", path: "Sources/Federated/Learning",
           dependencies: ["DataFiPrivacy", "DataFiCreditData", "DataFiLogisticRegression", "DataFiCreditMetrics"],
           testDependencies: ["DataFiCreditData", "DataFiSupport"]),
    Module("DataFiWallet", path: "Sources/Wallet",
           dependencies: ["DataFiSupport", "DataFiSodium", "DataFiRistretto", "DataFiZK", "DataFiPrivacy"]),
    Module("DataFiLedgerConsent", path: "Sources/Ledger/Consent", dependencies: ["DataFiLedger", "DataFiWallet"],
           testDependencies: ["DataFiLedger", "DataFiLedgerSQLite", "DataFiWallet", "DataFiSodium"]),
]

let propertyBased: Target.Dependency = .product(name: "PropertyBased", package: "swift-property-based")

var targets: [Target] = [
    .systemLibrary(name: "CGMP", path: "Sources/CGMP", pkgConfig: "gmp",
                   providers: [.apt(["libgmp-dev"])]),
    .systemLibrary(name: "CSodium", path: "Sources/CSodium", pkgConfig: "libsodium",
                   providers: [.apt(["libsodium-dev"])]),
    // Vector curve25519 arithmetic in C intrinsics; instruction sets are enabled per function and chosen
    // at run time, so the target needs no compiler flags.
    .target(name: "CCurveVector", path: "Sources/Crypto/CurveVector"),
    .target(name: "DataFi", dependencies: modules.map { .target(name: $0.name) }, path: "Sources/DataFi"),
    .executableTarget(
        name: "datafi",
        dependencies: modules.map { .target(name: $0.name) } + [
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            "DataFiPSIService", "DataFiNode", "DataFiLedgerClient", "DataFiLedgerPostgres", "DataFiFlower",
        ],
        path: "Sources/datafi"),
    .testTarget(name: "DataFiCLITests", dependencies: ["datafi", "DataFi"], path: "Tests/DataFiCLITests"),
]
// The SDK's HTTP calls (timeouts, bounded answers, retries) on async-http-client, shared by its network clients.
targets += [
    .target(name: "DataFiHTTPClient",
            dependencies: [.product(name: "AsyncHTTPClient", package: "async-http-client")],
            path: "Sources/HTTPClient"),
    .testTarget(name: "DataFiHTTPClientTests",
                dependencies: ["DataFiHTTPClient", .product(name: "Hummingbird", package: "hummingbird")],
                path: "Tests/DataFiHTTPClientTests"),
]
// The PSI/PJC network services stay out of `modules`, so the umbrella library never builds a web server.
targets += [
    .target(name: "DataFiPSIService",
            dependencies: ["DataFiPSI", "DataFiPaillier", "DataFiJointRisk", "DataFiHTTPClient",
                           .product(name: "Hummingbird", package: "hummingbird")],
            path: "Sources/Crypto/PSIService"),
    .testTarget(name: "DataFiPSIServiceTests", dependencies: ["DataFiPSIService", propertyBased],
                path: "Tests/DataFiPSIServiceTests"),
]
// The ledger node (HTTP service), its client and the PostgreSQL store stay out of `modules` for the same reason.
targets += [
    .target(name: "DataFiNode",
            dependencies: ["DataFiLedger", "DataFiLedgerSQLite", "DataFiLedgerMarket", "DataFiMarket", "DataFiSodium",
                           "DataFiSecAgg", .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics"),
                           .product(name: "Prometheus", package: "swift-prometheus"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            path: "Sources/Ledger/Node",
            resources: [.copy("openapi.json")]),
    .target(name: "DataFiLedgerPostgres",
            dependencies: ["DataFiLedger", "DataFiSodium",
                           .product(name: "PostgresNIO", package: "postgres-nio"),
                           .product(name: "Logging", package: "swift-log")],
            path: "Sources/Ledger/Postgres"),
    .target(name: "DataFiLedgerClient",
            dependencies: ["DataFiLedger", "DataFiSodium", "DataFiHTTPClient", "DataFiSecAgg", "DataFiSupport"],
            path: "Sources/Ledger/Client"),
    .testTarget(name: "DataFiNodeTests",
                dependencies: ["DataFiNode", "DataFiLedgerClient", "DataFiLedgerPostgres", "DataFiLedger",
                               "DataFiLedgerMarket", "DataFiMarket", "DataFiSodium", "DataFiSecAgg", "datafi",
                               .product(name: "AsyncHTTPClient", package: "async-http-client"),
                               .product(name: "PostgresNIO", package: "postgres-nio")],
                path: "Tests/DataFiNodeTests"),
]
// The Flower SuperNode (HTTP client, protobuf, P-384 keys) stays out of `modules` for the same reason.
targets += [
    .target(name: "DataFiFlower",
            dependencies: ["DataFiFederated", "DataFiCreditData", "DataFiHTTPClient",
                           .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "Logging", package: "swift-log")],
            path: "Sources/Federated/Flower"),
    .testTarget(name: "DataFiFlowerTests",
                dependencies: ["DataFiFlower", "DataFiFederated", "DataFiCreditData", "DataFiSupport",
                               .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                               .product(name: "Crypto", package: "swift-crypto"),
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "Logging", package: "swift-log")],
                path: "Tests/DataFiFlowerTests"),
]
for module in modules {
    targets.append(.target(name: module.name, dependencies: module.dependencies, path: module.path))
    guard module.hasTests else { continue }
    targets.append(.testTarget(name: module.name + "Tests",
                               dependencies: [.target(name: module.name), propertyBased] + module.testDependencies,
                               path: "Tests/\(module.name)Tests",
                               resources: module.testResources))
}

let package = Package(
    name: "DataFi",
    platforms: [.macOS(.v15)],
    products: [.library(name: "DataFi", targets: ["DataFi"]), .executable(name: "datafi", targets: ["datafi"])]
        + modules.map { .library(name: $0.name, targets: [$0.name]) }
        + [.library(name: "DataFiHTTPClient", targets: ["DataFiHTTPClient"]),
           .library(name: "DataFiPSIService", targets: ["DataFiPSIService"]),
           .library(name: "DataFiNode", targets: ["DataFiNode"]),
           .library(name: "DataFiLedgerClient", targets: ["DataFiLedgerClient"]),
           .library(name: "DataFiLedgerPostgres", targets: ["DataFiLedgerPostgres"]),
           .library(name: "DataFiFlower", targets: ["DataFiFlower"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
    ],
    targets: targets,
    swiftLanguageModes: [.v6]
)
