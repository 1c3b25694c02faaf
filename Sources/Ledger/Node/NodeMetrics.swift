import CoreMetrics
import Metrics
import Prometheus

/// The node's metrics, on swift-metrics with a Prometheus registry of the node's own (`GET /metrics`).
final class NodeMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let logged: CoreMetrics.Counter
    let rejected: CoreMetrics.Counter
    let overloaded: CoreMetrics.Counter
    let batches: CoreMetrics.Counter
    let batchSize: CoreMetrics.Recorder
    let commitDuration: CoreMetrics.Timer
    let queueDepth: CoreMetrics.Gauge
    let treeSize: CoreMetrics.Gauge
    let requests: CoreMetrics.Counter
    let clientErrors: CoreMetrics.Counter
    let serverErrors: CoreMetrics.Counter

    init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultValueHistogramBuckets = [1, 10, 100, 1_000, 10_000]
        factory.defaultDurationHistogramBuckets = [.milliseconds(1), .milliseconds(5), .milliseconds(20),
                                                   .milliseconds(100), .milliseconds(500), .seconds(2)]
        self.registry = registry
        logged = CoreMetrics.Counter(label: "datafi_node_logged_entries_total", factory: factory)
        rejected = CoreMetrics.Counter(label: "datafi_node_rejected_envelopes_total", factory: factory)
        overloaded = CoreMetrics.Counter(label: "datafi_node_overloaded_requests_total", factory: factory)
        batches = CoreMetrics.Counter(label: "datafi_node_batches_total", factory: factory)
        batchSize = CoreMetrics.Recorder(label: "datafi_node_batch_envelopes", aggregate: true, factory: factory)
        commitDuration = CoreMetrics.Timer(label: "datafi_node_commit_seconds", factory: factory)
        queueDepth = CoreMetrics.Gauge(label: "datafi_node_queued_envelopes", factory: factory)
        treeSize = CoreMetrics.Gauge(label: "datafi_node_tree_size", factory: factory)
        requests = CoreMetrics.Counter(label: "datafi_node_http_requests_total", dimensions: [("class", "2xx")], factory: factory)
        clientErrors = CoreMetrics.Counter(label: "datafi_node_http_requests_total", dimensions: [("class", "4xx")], factory: factory)
        serverErrors = CoreMetrics.Counter(label: "datafi_node_http_requests_total", dimensions: [("class", "5xx")], factory: factory)
    }

    /// The Prometheus text exposition.
    func exposition() -> String { registry.emitToString() }
}
