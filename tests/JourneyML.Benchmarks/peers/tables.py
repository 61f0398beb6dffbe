#!/usr/bin/python3
"""The scikit-learn side of `journeyml-tools bench tables`: public churn, lead and campaign tables against JourneyML.

Run by the bench command with Debian's /usr/bin/python3 (python3-sklearn, python3-pandas). Two steps:
  prepare  reads the folder's tables.json and writes one normalised copy of each table that both sides read: an id
           column (the table's own, or `row_id` numbered from 1 when it has none), the label as 0/1 in `label`, the
           columns the manifest drops left out, every other value exactly as written (missing stays empty), comma
           separated; with --max-rows a seeded random sample of that many rows. Prints a JSON summary per table.
  fit      fits HistGradientBoostingClassifier on one split's training rows (the ids the JourneyML side wrote) and
           writes the holdout's probabilities, in the split file's holdout order, and the fit time as JSON.

The peer is scikit-learn as a careful user would run it on a ready table: its defaults (100 rounds of learning rate
0.1, 31 leaves, early stopping on a tenth of the rows above 10,000 rows), categories as native categorical splits,
missing values to the trees' own missing branch. A text column with more levels than the trees can split on natively
(more than 250) is ordinal-coded and split as a number, as scikit-learn requires.
"""
import argparse
import json
import os
import sys
import time

MAX_NATIVE_LEVELS = 250


def prepare(args):
    import numpy as np
    import pandas as pd
    with open(os.path.join(args.folder, "tables.json")) as f:
        manifest = json.load(f)
    os.makedirs(args.out, exist_ok=True)
    summary = []
    for entry in manifest["tables"]:
        name = entry["name"]
        if args.only and name not in args.only:
            continue
        path = os.path.join(args.folder, entry["file"])
        df = pd.read_csv(path, sep=entry.get("delimiter", ","), dtype=str, keep_default_na=False, encoding="utf-8-sig")
        df.columns = [c.strip() for c in df.columns]
        label = entry["label"]
        if label not in df.columns:
            raise SystemExit(f"{path}: no label column '{label}' (columns: {', '.join(df.columns)})")
        positive = str(entry.get("positive", "1"))
        values = df[label].str.strip()
        known = set(values.unique())
        negative = entry.get("negative")
        if negative is None:
            others = sorted(known - {positive})
            if len(others) != 1:
                raise SystemExit(f"{path}: label '{label}' has values {sorted(known)}; name the negative one in tables.json")
            negative = others[0]
        bad = known - {positive, str(negative)}
        if bad:
            raise SystemExit(f"{path}: label '{label}' has values {sorted(bad)} beside {positive} and {negative}")
        y = (values == positive).astype(int)
        drop = [c for c in entry.get("drop", []) if c in df.columns]
        missing = [c for c in entry.get("drop", []) if c not in df.columns]
        if missing:
            raise SystemExit(f"{path}: tables.json drops {missing}, which the table does not have")
        features = df.drop(columns=drop + [label])
        id_column = entry.get("id")
        if id_column is None:
            id_column = "row_id"
            features.insert(0, id_column, [str(i + 1) for i in range(len(features))])
        else:
            features = features[[id_column] + [c for c in features.columns if c != id_column]]
        features["label"] = y.to_numpy()
        if args.max_rows and len(features) > args.max_rows:
            features = features.sample(n=args.max_rows, random_state=args.seed).sort_index()
        out = os.path.join(args.out, f"{name}.csv")
        features.to_csv(out, index=False)
        summary.append({"name": name, "file": out, "id": id_column, "rows": int(len(features)),
                        "positives": int(features["label"].sum()), "source_rows": int(len(df)),
                        "columns": int(features.shape[1] - 2), "source": entry.get("source", "")})
    print(json.dumps(summary))


def frame(path):
    """Numeric where every non-empty value parses (as JourneyML types a column), else categorical."""
    import numpy as np
    import pandas as pd
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return df


def fit(args):
    import numpy as np
    import pandas as pd
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.preprocessing import OrdinalEncoder
    df = frame(args.table)
    id_column = df.columns[0]
    split = pd.read_csv(args.split, dtype=str, keep_default_na=False)
    role = dict(zip(split["id"], split["role"]))
    y = df["label"].astype(int).to_numpy()
    x = df.drop(columns=[id_column, "label"])
    columns, categorical = [], []
    for c in x.columns:
        text = x[c].str.strip()
        number = pd.to_numeric(text.where(text != ""), errors="coerce")
        if number.notna().sum() == (text != "").sum():
            columns.append(number.astype(float).to_numpy())
            categorical.append(False)
        else:
            levels = text.where(text != "").to_frame()
            coded = OrdinalEncoder(encoded_missing_value=np.nan).fit_transform(levels)[:, 0]
            columns.append(coded)
            categorical.append(text.nunique() <= MAX_NATIVE_LEVELS)
    matrix = np.column_stack(columns) if columns else np.zeros((len(df), 0))
    ids = df[id_column].to_numpy()
    train = np.array([role.get(i) == "train" for i in ids])
    holdout_ids = [i for i, r in zip(split["id"], split["role"]) if r == "holdout"]
    position = {i: k for k, i in enumerate(ids)}
    holdout = np.array([position[i] for i in holdout_ids])
    model = HistGradientBoostingClassifier(categorical_features=np.array(categorical) if any(categorical) else None,
                                           random_state=args.seed)
    start = time.perf_counter()
    model.fit(matrix[train], y[train])
    seconds = time.perf_counter() - start
    probabilities = model.predict_proba(matrix[holdout])[:, 1]
    with open(args.out, "w") as f:
        json.dump({"fit_seconds": seconds, "rounds": int(model.n_iter_), "probabilities": [float(p) for p in probabilities],
                   "what": f"HistGradientBoostingClassifier (scikit-learn defaults, {sum(categorical)} native categorical columns)"}, f)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["check", "prepare", "fit"])
    parser.add_argument("--folder")
    parser.add_argument("--out")
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--max-rows", type=int, default=0)
    parser.add_argument("--table")
    parser.add_argument("--split")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.step == "check":
        import sklearn
        print(f"scikit-learn {sklearn.__version__}")
    elif args.step == "prepare":
        prepare(args)
    else:
        fit(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
