"""Flower's own way to take part: a Python ClientApp training scikit-learn's logistic regression on the
same contract as DataFi's Swift SuperNode (`coefficients`, `intercept`, `num-examples`, `loss`, `auc`).
It serves as the peer in Benchmarks/peers/flower_node_bench.sh; the demo's nodes are Swift and never
run it. The partition comes from the node config `data-path` (CSV, numeric features, target `bad`)."""
import numpy as np
from flwr.app import Array, ArrayRecord, Context, Message, MetricRecord, RecordDict
from flwr.clientapp import ClientApp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score

app = ClientApp()


def load(context: Context):
    data = np.loadtxt(str(context.node_config["data-path"]), delimiter=",", skiprows=1, ndmin=2)
    return data[:, :-1], data[:, -1]


def model(msg: Message, x, y, iterations: int) -> LogisticRegression:
    arrays = msg.content["arrays"]
    clf = LogisticRegression(C=1e6, max_iter=iterations, warm_start=True)
    clf.classes_ = np.array([0.0, 1.0])
    clf.coef_ = arrays["coefficients"].numpy().reshape(1, -1).copy()
    clf.intercept_ = arrays["intercept"].numpy().copy()
    if iterations > 0:
        clf.fit(x, y)
    return clf


@app.train()
def train(msg: Message, context: Context) -> Message:
    x, y = load(context)
    clf = model(msg, x, y, int(msg.content["config"].get("local-epochs", 1)))
    arrays = ArrayRecord({"coefficients": Array(clf.coef_.reshape(-1).astype(np.float64)),
                          "intercept": Array(clf.intercept_.astype(np.float64))})
    loss = float(log_loss(y, clf.predict_proba(x)[:, 1], labels=[0, 1]))
    return Message(content=RecordDict({"arrays": arrays,
                                       "metrics": MetricRecord({"num-examples": len(y), "loss": loss})}),
                   reply_to=msg)


@app.evaluate()
def evaluate(msg: Message, context: Context) -> Message:
    x, y = load(context)
    clf = model(msg, x, y, 0)
    p = clf.predict_proba(x)[:, 1]
    metrics = {"num-examples": len(y), "loss": float(log_loss(y, p, labels=[0, 1])),
               "auc": float(roc_auc_score(y, p))}
    return Message(content=RecordDict({"metrics": MetricRecord(metrics)}), reply_to=msg)
