// swift-tools-version: 6.1
import PackageDescription

// DataFi's benchmark suite, kept apart from the library so its tests never build package-benchmark.
// Each suite is one executable under Benchmarks/<Name>/ run by `swift package benchmark`.
let suites: [(name: String, dependencies: [Target.Dependency])] = [
    ("BigNumBenchmarks", [datafi("DataFiBigNum"), "BenchNative", .product(name: "BigInt", package: "BigInt")]),
    ("CryptoBenchmarks", [datafi("DataFiSodium"), datafi("DataFiRistretto"), datafi("DataFiZK"), "BenchNative"]),
    ("AMMBenchmarks", [datafi("DataFiAMM"), datafi("DataFiBigNum")]),
    ("MarketBenchmarks", [datafi("DataFiMarket"), datafi("DataFiAMM"), datafi("DataFiBigNum")]),
    ("ZKBenchmarks", [datafi("DataFiZK"), datafi("DataFiPSI"), datafi("DataFiRistretto"), datafi("DataFiSupport")]),
    ("PrivacyBenchmarks", [datafi("DataFiPrivacy")]),
    ("CreditBenchmarks", [datafi("DataFiCredit"), datafi("DataFiZhangRank"), datafi("DataFiPerson2Vec")]),
    ("LedgerBenchmarks", [datafi("DataFiLedger"), datafi("DataFiLedgerSQLite"), datafi("DataFiLedgerMarket"),
                          datafi("DataFiMarket"), datafi("DataFiSodium"), datafi("DataFiBigNum")]),
    ("SecAggBenchmarks", [datafi("DataFiSecAgg"), "BenchNative"]),
    ("WalletBenchmarks", [datafi("DataFiWallet"), datafi("DataFiZK"), datafi("DataFiSodium"), datafi("DataFiRistretto")]),
]

func datafi(_ product: String) -> Target.Dependency { .product(name: product, package: "DataFi") }

let package = Package(
    name: "DataFiBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "DataFi", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark.git", from: "1.38.0", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/attaswift/BigInt.git", from: "6.0.0"),
    ],
    targets: suites.map { suite in
        .executableTarget(
            name: suite.name,
            dependencies: suite.dependencies + ["BenchSupport", .product(name: "Benchmark", package: "package-benchmark")],
            path: "Benchmarks/\(suite.name)",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")])
    } + [
        .systemLibrary(name: "BenchNative", path: "Sources/BenchNative"),
        .target(name: "BenchSupport", dependencies: [.product(name: "Benchmark", package: "package-benchmark"),
                                                     datafi("DataFiSupport")],
                path: "Sources/BenchSupport"),
    ],
    swiftLanguageModes: [.v6]
)
