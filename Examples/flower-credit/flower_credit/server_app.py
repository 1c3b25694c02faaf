"""ServerApp: FedAvg (or FedProx through the nodes' proximal term) over a logistic regression's
`coefficients` (float64, shape [d]) and `intercept` (float64, shape [1]).

Run config: num-server-rounds, num-features, min-nodes, lr, local-epochs, proximal-mu,
fraction-evaluate, result-path (a JSON file receiving the global model after every round, the ids of
the nodes whose replies it averages, and the evaluation metrics, when set). FedAvg goes on when a
sampled node fails or vanishes (the SuperLink answers for an offline node with an error reply) as
long as min-nodes remain online."""
import json
import time

import numpy as np
from flwr.app import Array, ArrayRecord, ConfigRecord, Context
from flwr.serverapp import Grid, ServerApp
from flwr.serverapp.strategy import FedAvg

app = ServerApp()


class RecordingFedAvg(FedAvg):
    """FedAvg that keeps the global model of every round and the nodes whose replies made it."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.history = []
        self.last = time.monotonic()

    def aggregate_train(self, server_round, replies):
        replies = list(replies)
        arrays, metrics = super().aggregate_train(server_round, replies)
        now = time.monotonic()
        seconds, self.last = now - self.last, now
        if arrays is not None:
            self.history.append({
                "seconds": seconds,
                "round": server_round,
                "nodes": [str(m.metadata.src_node_id) for m in replies if not m.has_error()],
                "coefficients": arrays["coefficients"].numpy().tolist(),
                "intercept": arrays["intercept"].numpy().tolist(),
            })
        return arrays, metrics


@app.main()
def main(grid: Grid, context: Context) -> None:
    config = context.run_config
    d = int(config["num-features"])
    nodes = int(config["min-nodes"])
    arrays = ArrayRecord({"coefficients": Array(np.zeros(d, dtype=np.float64)),
                          "intercept": Array(np.zeros(1, dtype=np.float64))})
    fraction_evaluate = float(config["fraction-evaluate"])
    strategy = RecordingFedAvg(fraction_train=1.0, fraction_evaluate=fraction_evaluate,
                               min_train_nodes=nodes, min_evaluate_nodes=nodes if fraction_evaluate > 0 else 0,
                               min_available_nodes=nodes)
    train_config = ConfigRecord({"lr": float(config["lr"]), "local-epochs": int(config["local-epochs"]),
                                 "proximal-mu": float(config["proximal-mu"])})
    result = strategy.start(grid=grid, initial_arrays=arrays, num_rounds=int(config["num-server-rounds"]),
                            train_config=train_config)
    final = {k: a.numpy().tolist() for k, a in result.arrays.items()}
    print("FINAL", json.dumps(final), flush=True)
    path = str(config["result-path"])
    if path:
        evaluation = {str(r): dict(m) for r, m in result.evaluate_metrics_clientapp.items()}
        with open(path, "w") as f:
            json.dump({"final": final, "rounds": strategy.history, "evaluate": evaluation}, f)
