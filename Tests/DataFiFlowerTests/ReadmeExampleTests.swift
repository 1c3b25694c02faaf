// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiCreditData
import DataFiFederated
import DataFiFlower
import Testing

@Test func readmeExample() async throws {
    let data = try FederatedDataset(table: DataTable(csv: "income,debt,default\n5,1,no\n2,4,yes\n4,2,no\n"),
                                    target: TargetSpec(column: "default", positive: "yes"))
    let node = try SuperNode(superlink: "http://127.0.0.1:8000", identity: NodeIdentity(),
                             trainer: FlowerTrainer(client: FederatedClient(data: data)))
    // try await node.run() serves until node.stop() (the CLI calls it on SIGINT/SIGTERM).

    // The arrays travel as .npy files, byte for byte what NumPy writes.
    let coefficients = try NpyArray(dtype: .float64, shape: [2], values: [0.5, -1.25])
    let decoded = try NpyArray(npy: coefficients.npy())

    // Checks (from the readme-test comment under the example).
    #expect(decoded == coefficients && node.activeNodeID == nil)
    #expect(throws: FlowerError.invalidSuperLinkURL("127.0.0.1:8000")) {
        try SuperNode(superlink: "127.0.0.1:8000", identity: NodeIdentity(), trainer: FlowerTrainer(client: FederatedClient(data: data)))
    }
}
