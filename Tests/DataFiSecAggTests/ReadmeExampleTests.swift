// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiSecAgg
import Testing

@Test func readmeExample() throws {
    // Three clients, threshold 2, vectors of 4 values in Z_{2^32}. Every message has `serialized`
    // bytes and an `init(serialized:)`, so a relay can carry them; here they are passed directly.
    let config = try SecAggConfig(session: 1, threshold: 2, dimension: 4, bits: 32)
    var server = SecAggServer(config: config)
    var clients = try (1...3).map { id in
        try SecAggClient(config: config, id: UInt32(id), input: [UInt64](repeating: UInt64(id), count: 4))
    }
    for i in clients.indices { try server.receive(clients[i].advertiseKeys()) }
    let directory = try server.keyDirectory()
    for i in clients.indices { try server.receive(clients[i].shareKeys(directory: directory)) }
    for bundle in try server.shareBundles() where bundle.to != 3 {        // client 3 drops out here
        try server.receive(clients[Int(bundle.to) - 1].maskedInput(bundle: bundle))
    }
    let request = try server.unmaskRequest()                              // survivors [1, 2], dropped [3]
    for i in 0..<2 { try server.receive(clients[i].unmask(request: request)) }
    let sum = try server.aggregate()                                      // [3, 3, 3, 3]

    // Federated analytics: each owner maps its own records, only the noisy aggregate is revealed.
    let mean = try FederatedAnalytics.run(shards: [[3200, 4100], [2800], [5150, 3900]],
                                          query: .mean(lower: 0, upper: 10_000),
                                          privacy: (epsilon: 1, delta: 1e-6))
    // mean.epsilon ≤ 1 for the survivors counted; with five records the noise dominates mean.value

    // Checks (from the readme-test comment under the example).
    #expect(sum == [3, 3, 3, 3])
    #expect(request.survivors == [1, 2] && request.dropped == [3])
    #expect(mean.epsilon! <= 1 && mean.survivors == 3)
}
