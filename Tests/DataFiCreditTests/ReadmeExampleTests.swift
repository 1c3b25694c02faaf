// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiCredit
import Testing

@Test func readmeExample() throws {
    // Defi Score Basic: train on a CSV table, score applicants, evaluate.
    let csv = """
    age,city,income,default
    30,Paris,10,0
    45,Berlin,20,1
    22,Rome,5,1
    35,Paris,12,0
    50,Rome,30,0
    28,Berlin,8,1
    33,Paris,15,1
    41,Rome,25,0
    """
    let table = try DataTable(csv: csv)
    let target = try TargetSpec.resolve(table, column: "default", positive: "1")
    let model = try CreditScoreModel.train(table, target: target, options: .init(l2: 1), standardize: true)
    let probabilities = try model.probabilities(table)   // P(default) per row
    let points = try model.scores(table)                 // 600 points at 50:1 good:bad, PDO 20
    let metrics = try model.evaluate(table)              // AUC, KS, Gini, log loss, Brier

    // Checks (from the readme-test comment under the example).
    #expect(probabilities.count == 8 && points.count == 8)
    #expect(metrics.auc > 0.5)
}
