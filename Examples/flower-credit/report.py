"""Prints the federated model's held-out AUC after every round beside a centrally trained logistic
regression (scikit-learn, same features, all training rows in one place). Usage: report.py OUTDIR"""
import csv
import json
import math
import sys

from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

out = sys.argv[1]


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))[1:]
    return [[float(v) for v in r[:-1]] for r in rows], [int(r[-1]) for r in rows]


x_train, y_train = load(f"{out}/train.csv")
x_held, y_held = load(f"{out}/heldout.csv")
central = LogisticRegression(C=1e6, max_iter=10_000).fit(x_train, y_train)
central_auc = roc_auc_score(y_held, central.decision_function(x_held))
result = json.load(open(f"{out}/result.json"))
print("round  federated held-out AUC  central held-out AUC")
for r in result["rounds"]:
    w, b = r["coefficients"], r["intercept"][0]
    scores = [b + sum(wi * xi for wi, xi in zip(w, x)) for x in x_held]
    print(f"{r['round']:5d}  {roc_auc_score(y_held, scores):22.4f}  {central_auc:20.4f}")
