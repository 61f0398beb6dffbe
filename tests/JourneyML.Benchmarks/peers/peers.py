#!/usr/bin/python3
"""The scikit-learn side of `journeyml-tools bench peers`: one step per process, on the table JourneyML wrote.

Run by the bench command with Debian's /usr/bin/python3 (python3-sklearn, python3-pandas); the python3 first on PATH
may be another build that does not see Debian's packages. Each step reads the shared CSV, warms up on a 2,000-row slice
(untimed, as the JourneyML side does), then times the fit and a second scoring pass over every row, and writes:
  --out          a JSON measurement (the fields of JourneyML.Tools.Benchmarks.PeerMeasurement, snake_case)
  --predictions  float32 per table row: the churn probability, or the row's cluster
Quality (ROC AUC, PR-AUC, adjusted Rand index) is computed from the predictions by JourneyML's code, for both sides.

Settings match JourneyML's fixed trainers (see the "Against peers" section of RESULTS.md); nothing here is tuned down:
scikit-learn keeps its default threading (OpenMP on every core) and its own best handling of categories and missing values.
"""
import argparse
import json
import os
import resource
import sys
import time

WARM_UP_ROWS = 2000


def peak_mb():
    """The process's maximum resident set: VmHWM, the figure .NET's PeakWorkingSet64 reads for the JourneyML side.

    Not getrusage's ru_maxrss: Linux keeps that across exec, so a process started by a large parent (the bench command,
    which holds the feature table) would report the parent's size at fork, not its own.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def versions():
    import numpy
    import pandas
    import scipy
    import sklearn
    return (f"scikit-learn {sklearn.__version__}, pandas {pandas.__version__}, numpy {numpy.__version__}, "
            f"scipy {scipy.__version__}, Python {sys.version.split()[0]} ({sys.executable})")


def threads():
    try:
        from threadpoolctl import threadpool_info
        counts = [p.get("num_threads", 0) for p in threadpool_info() if p.get("user_api") == "openmp"]
        if counts:
            return max(counts)
    except ImportError:
        pass
    return os.cpu_count() or 1


def load(path):
    import numpy as np
    import pandas as pd
    df = pd.read_csv(path, low_memory=False, dtype={"customer_id": str, "account_id": str, "status": str, "bench_split": str})
    skip = {"customer_id", "account_id", "status"}
    features = [c for c in df.columns if c not in skip and not c.startswith("label_") and not c.startswith("bench_")]
    categorical = [c for c in features if df[c].dtype == object]
    numeric = [c for c in features if c not in categorical]
    split = df["bench_split"].fillna("")
    train = np.flatnonzero(split.to_numpy() == "train")
    return df, numeric, categorical, train


def write(args, measurement, predictions):
    import numpy as np
    np.asarray(predictions, dtype=np.float32).tofile(args.predictions)
    measurement.update({"side": "scikit-learn", "task": args.task, "peak_mb": peak_mb(),
                        "predictions": os.path.abspath(args.predictions), "versions": versions()})
    with open(args.out, "w") as f:
        json.dump(measurement, f, indent=2)


def starts_for(rows):
    """JourneyML's BehaviourSegmentation.StartsFor: 8 starts, more (up to 32) while rows x starts stay within 250,000."""
    return min(max(250_000 // max(1, rows), 8), 32)


def kmeans(k, n_init, seed):
    # JourneyML: greedy k-means++ starts, at most 1,000 Lloyd iterations, to convergence (its own stop: an iteration
    # lowers the inertia by less than 1e-6 of it; scikit-learn's is tol on the centres' shift, 1e-4 its default).
    from sklearn.cluster import KMeans
    return KMeans(n_clusters=k, init="k-means++", n_init=n_init, tol=1e-4, max_iter=1000, random_state=seed)


def standardised(args, with_raw=False):
    import numpy as np
    df, _, _, _ = load(args.table)
    z = df[[c for c in df.columns if c.startswith("bench_z_")]].to_numpy(dtype=np.float32)
    if not with_raw:
        return z
    raw = df[[c[len("bench_z_"):] for c in df.columns if c.startswith("bench_z_")]].to_numpy(dtype=np.float64)
    return z, raw


def raw_scaling(raw, z):
    """What a scikit-learn user scoring from raw features computes: per column log1p (of the count clipped at 0) or not,
    then its own mean and deviation. Whether a column is log-scaled is read off the signals JourneyML wrote (the transform
    that reproduces them); the means and deviations are the peer's own (float64, fitted on every row, untimed)."""
    import numpy as np
    logged = []
    for j in range(raw.shape[1]):
        errors = []
        for log in (False, True):
            t = np.log1p(np.clip(raw[:, j], 0, None)) if log else raw[:, j]
            s = (t - np.nanmean(t)) / (np.nanstd(t) or 1.0)
            errors.append(float(np.nanmax(np.abs(np.nan_to_num(s, nan=0.0) - z[:, j]))))
        logged.append(errors[1] < errors[0])
    logged = np.array(logged)
    t = raw.copy()
    t[:, logged] = np.log1p(np.clip(t[:, logged], 0, None))
    mean, std = np.nanmean(t, axis=0), np.nanstd(t, axis=0)
    std[std == 0] = 1.0
    return logged, mean, std


def scale_raw(raw, logged, mean, std):
    """The timed part of assigning from raw features: log1p, standardise, missing at the mean (0), float32 for predict."""
    import numpy as np
    t = raw.copy()
    t[:, logged] = np.log1p(np.clip(t[:, logged], 0, None))
    t -= mean
    t /= std
    np.nan_to_num(t, copy=False, nan=0.0)
    return t.astype(np.float32)


def segments(args):
    import numpy as np
    z, raw = standardised(args, with_raw=True)
    logged, mean, std = raw_scaling(raw, z)
    k = args.k
    n_init = starts_for(len(z))

    def model(starts):
        return kmeans(k, starts, args.seed)

    model(1).fit(z[:WARM_UP_ROWS]).predict(z[:WARM_UP_ROWS])
    start = time.perf_counter()
    fitted = model(n_init).fit(z)
    fit = time.perf_counter() - start
    # Scoring is timed on a second pass on both sides (JourneyML's first pass is still being JIT-tiered): from the raw
    # features (scaling included, as JourneyML's model does it) and from the standardised signals (predict alone).
    fitted.predict(scale_raw(raw, logged, mean, std))
    start = time.perf_counter()
    from_raw = fitted.predict(scale_raw(raw, logged, mean, std))
    score = time.perf_counter() - start
    fitted.predict(z)
    start = time.perf_counter()
    from_z = fitted.predict(z)
    standardised_seconds = time.perf_counter() - start
    agree = float(np.mean(from_raw == from_z))
    write(args, {"what": f"KMeans(k = {k}, n_init {n_init}, k-means++, tol 1e-4, max_iter 1000), {threads()} threads",
                 "threads": threads(), "fit_seconds": fit, "fit_rows": len(z), "score_seconds": score, "score_rows": len(z),
                 "standardised_seconds": standardised_seconds,
                 "note": f"assignment from raw features agrees with predict on the signals for {agree:.4%} of rows"},
          fitted.labels_)


MINIMUM_GAP_GAIN = 0.065  # JourneyML's BehaviourSegmentation.MinimumGapGain


def choose_k(z, seed, sample_size=3000, references=5, k_range=range(2, 13)):
    """JourneyML's k selection with scikit-learn: every k with n_init starts, the silhouette on a sample, the gap statistic
    against uniform reference data in the sample's bounding box (one start per reference fit), the same rule."""
    import numpy as np
    from sklearn.metrics import silhouette_score
    n = len(z)
    rng = np.random.default_rng(seed)
    sample = np.arange(n) if n <= sample_size else np.sort(rng.choice(n, sample_size, replace=False))
    zs = z[sample]
    low, high = zs.min(axis=0), zs.max(axis=0)
    reference_sets = [rng.uniform(low, high, size=zs.shape).astype(np.float32) for _ in range(references)]
    n_init = starts_for(n)
    fits, silhouettes, gaps = [], [], []
    for k in [k for k in k_range if k <= n]:
        fit = kmeans(k, n_init, seed).fit(z)
        fits.append(fit)
        labels = fit.labels_[sample]
        silhouettes.append(silhouette_score(zs, labels) if len(set(labels)) > 1 else 0.0)
        w = float(((zs - fit.cluster_centers_[labels]) ** 2).sum())
        logs = [np.log(kmeans(k, 1, seed + 100 + b).fit(r).inertia_) for b, r in enumerate(reference_sets)]
        gaps.append(float(np.mean(logs)) - np.log(w))
    chosen = int(np.argmax(silhouettes))
    while chosen + 1 < len(fits) and gaps[chosen + 1] - gaps[chosen] >= MINIMUM_GAP_GAIN:
        chosen += 1
    return fits[chosen], n_init


def segment_choice(args):
    z = standardised(args)
    choose_k(z[:WARM_UP_ROWS], args.seed, k_range=range(2, 4))
    start = time.perf_counter()
    fitted, n_init = choose_k(z, args.seed)
    fit = time.perf_counter() - start
    write(args, {"what": f"KMeans for k = 2..12 (n_init {n_init}), silhouette_score on a 3,000-row sample, gap with 5 uniform references, "
                         f"the same rule, {threads()} threads",
                 "threads": threads(), "fit_seconds": fit, "fit_rows": len(z), "note": f"k = {fitted.n_clusters}"},
          fitted.labels_)


def classifier(args):
    import numpy as np
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    df, numeric, categorical, train = load(args.table)
    x = df[numeric + categorical]
    y = df["label_churned"].to_numpy()

    if args.task == "gbm":
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.preprocessing import OrdinalEncoder

        def build():
            # Categories as native categorical splits, missing values as the trees' own missing branch.
            encode = ColumnTransformer(
                [("categories", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan,
                                               encoded_missing_value=np.nan), categorical)],
                remainder="passthrough")
            mask = [True] * len(categorical) + [False] * len(numeric)
            # JourneyML's LightGbm: 15 leaves, learning rate 0.05, 200 iterations, 20 rows per leaf; ML.NET's L2 default 0.01.
            return Pipeline([("encode", encode), ("model", HistGradientBoostingClassifier(
                learning_rate=0.05, max_iter=200, max_leaf_nodes=15, min_samples_leaf=20, l2_regularization=0.01,
                max_bins=255, early_stopping=False, categorical_features=mask, random_state=args.seed))])
        what = "HistGradientBoostingClassifier (15 leaves, learning rate 0.05, 200 iterations, 20 rows per leaf, L2 0.01, no early stopping, native categories)"
    else:
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        def build():
            prepare = ColumnTransformer([
                ("numbers", Pipeline([("impute", SimpleImputer(strategy="median", add_indicator=True)), ("scale", StandardScaler())]), numeric),
                ("categories", OneHotEncoder(handle_unknown="ignore"), categorical)])
            # ML.NET's L-BFGS minimises mean log-loss + (L2 / 2n)|w|^2 with L2 = 0.1; scikit-learn's C = 1 / L2 is the same objective.
            return Pipeline([("prepare", prepare), ("model", LogisticRegression(C=10.0, solver="lbfgs", max_iter=1000))])
        what = "LogisticRegression (L-BFGS, C 10, median imputation with missing flags, standardised, one-hot)"

    warm = train[:WARM_UP_ROWS]
    build().fit(x.iloc[warm], y[warm]).predict_proba(x.iloc[:WARM_UP_ROWS])
    start = time.perf_counter()
    model = build().fit(x.iloc[train], y[train])
    fit = time.perf_counter() - start
    model.predict_proba(x)  # scoring is timed on a second pass on both sides
    start = time.perf_counter()
    probabilities = model.predict_proba(x)[:, 1]
    score = time.perf_counter() - start
    write(args, {"what": f"{what}, {threads()} threads", "threads": threads(), "fit_seconds": fit, "fit_rows": int(len(train)),
                 "score_seconds": score, "score_rows": int(len(x))}, probabilities)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", required=True, choices=["check", "segments", "segment-k", "gbm", "logistic"])
    parser.add_argument("--table")
    parser.add_argument("--k", type=int, default=0)
    parser.add_argument("--out")
    parser.add_argument("--predictions")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.task == "check":
        try:
            print(versions())
        except ImportError as error:
            print(f"{error}: install Debian's python3-sklearn and python3-pandas", file=sys.stderr)
            return 1
        return 0
    if not (args.table and args.out and args.predictions):
        parser.error("--table, --out and --predictions are required")
    if args.task == "segments":
        if args.k < 1:
            parser.error("--k is required for segments")
        segments(args)
    elif args.task == "segment-k":
        segment_choice(args)
    else:
        classifier(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
