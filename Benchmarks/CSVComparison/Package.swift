// swift-tools-version: 6.1
// One-off comparison of DataFiSupport.CSVReader with SwiftCSV on a generated 50 MB file:
//   cd Benchmarks/CSVComparison && swift run -c release CSVComparison
import PackageDescription

let package = Package(
    name: "CSVComparison",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "DataFi", path: "../.."),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
    ],
    targets: [
        .executableTarget(name: "CSVComparison", dependencies: [
            .product(name: "DataFiSupport", package: "DataFi"),
            .product(name: "SwiftCSV", package: "SwiftCSV"),
        ]),
    ]
)
