#!/usr/bin/python3
"""The uplift peer of `journeyml-tools bench peers`: a T-learner with scikit-learn's HistGradientBoostingClassifier.

Usage: /usr/bin/python3 uplift-tlearner.py <table.csv> <out.csv>
The table (written by JourneyML.Tools.Benchmarks.UpliftPeer): the paying customers at the as-of date with their features,
label_churned, bench_holdout (1: held out, 0: train) and per intervention kind bench_t_<kind> (1 given the kind, 0 its
comparison, empty: not in this kind's comparison). Per kind, two classifiers on the training rows, churn of the treated
(mu1) and of the comparison (mu0); the uplift of every held-out customer is mu0 - mu1, the reduction in churn risk.
Writes one row per held-out customer, in table order: customer_id and uplift_<kind> per kind; the first line is a comment
with the fit and predict seconds and the library versions. Quality (the Qini on the planted uplift) is computed by
JourneyML's code for both sides.
"""
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder


def build(numeric, categorical, seed=1):
    # The same settings as the gbm peer (JourneyML's LightGbm): native categories, the trees' own missing branch.
    encode = ColumnTransformer(
        [("categories", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan, encoded_missing_value=np.nan), categorical)],
        remainder="passthrough")
    mask = [True] * len(categorical) + [False] * len(numeric)
    return Pipeline([("encode", encode), ("model", HistGradientBoostingClassifier(
        learning_rate=0.05, max_iter=200, max_leaf_nodes=15, min_samples_leaf=20, l2_regularization=0.01,
        max_bins=255, early_stopping=False, categorical_features=mask, random_state=seed))])


def main():
    table, out = sys.argv[1], sys.argv[2]
    df = pd.read_csv(table, low_memory=False, dtype={"customer_id": str, "account_id": str, "status": str})
    kinds = [c[len("bench_t_"):] for c in df.columns if c.startswith("bench_t_")]
    skip = {"customer_id", "account_id", "status"}
    features = [c for c in df.columns if c not in skip and not c.startswith("label_") and not c.startswith("bench_")]
    categorical = [c for c in features if df[c].dtype == object]
    numeric = [c for c in features if c not in categorical]
    x = df[categorical + numeric]
    y = df["label_churned"].to_numpy()
    holdout = df["bench_holdout"].to_numpy() == 1
    result = pd.DataFrame({"customer_id": df["customer_id"][holdout]})
    fit_seconds = predict_seconds = 0.0
    for kind in kinds:
        t = df["bench_t_" + kind].to_numpy()
        treated = ~holdout & (t == 1)
        comparison = ~holdout & (t == 0)
        start = time.perf_counter()
        mu1 = build(numeric, categorical).fit(x[treated], y[treated])
        mu0 = build(numeric, categorical).fit(x[comparison], y[comparison])
        fit_seconds += time.perf_counter() - start
        start = time.perf_counter()
        result["uplift_" + kind] = mu0.predict_proba(x[holdout])[:, 1] - mu1.predict_proba(x[holdout])[:, 1]
        predict_seconds += time.perf_counter() - start
    with open(out, "w") as f:
        f.write(f"# fit_seconds={fit_seconds:.4f} predict_seconds={predict_seconds:.4f} scikit-learn={sklearn.__version__}\n")
        result.to_csv(f, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
