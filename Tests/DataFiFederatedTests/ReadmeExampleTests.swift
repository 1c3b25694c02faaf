// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiCreditData
import DataFiFederated
import DataFiSupport
import Testing

@Test func readmeExample() throws {
    // Two lenders' partitions, features in the same column order, the target last.
    let north = try FederatedDataset(table: DataTable(csv: "income,debt,default\n5,1,no\n2,4,yes\n4,2,no\n1,5,yes\n"),
                                     target: TargetSpec(column: "default", positive: "yes"))
    let south = try FederatedDataset(table: DataTable(csv: "income,debt,default\n3,3,yes\n6,1,no\n2,3,yes\n"),
                                     target: TargetSpec(column: "default", positive: "yes"))
    var lenders = [FederatedClient(data: north), FederatedClient(data: south)]
    var rng = SplitMix64(seed: 42)    // use a cryptographic generator when the updates carry noise
    let rounds = try FederatedSimulation.run(
        clients: &lenders, initial: .zero(features: 2), rounds: 20, strategy: .fedProx(mu: 0.1),
        options: LocalTrainingOptions(learningRate: 0.5, localEpochs: 3), using: &rng)
    let model = rounds.last!.model                          // intercept and coefficients for income, debt
    let quality = try lenders[0].evaluate(model)             // local log loss and AUC, no data shared

    // Checks (from the readme-test comment under the example).
    #expect(rounds.count == 20 && rounds.last!.trainingLoss < rounds.first!.trainingLoss)
    #expect(model.coefficients[1] > 0 && quality.auc! == 1)
}
