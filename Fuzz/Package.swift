// swift-tools-version: 6.1
import PackageDescription

// A libFuzzer target for DataFi's proof and message decoders and verifiers. Built apart from the
// library so its sanitizer flags never touch the main package. See README.md.
let package = Package(
    name: "DataFiFuzz",
    dependencies: [.package(name: "DataFi", path: "..")],
    targets: [
        .executableTarget(
            name: "ZKFuzz",
            dependencies: [
                .product(name: "DataFiZK", package: "DataFi"),
                .product(name: "DataFiPSI", package: "DataFi"),
                .product(name: "DataFiRistretto", package: "DataFi"),
                .product(name: "DataFiSodium", package: "DataFi"),
            ],
            path: "Sources/ZKFuzz"),
    ],
    swiftLanguageModes: [.v6]
)
