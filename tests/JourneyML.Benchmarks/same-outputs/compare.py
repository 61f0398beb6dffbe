"""Compares two run.sh outputs: the model metadata (every metric, candidate, segment, gate and drift entry; run times,
version names and dates left out), the snapshot CSV row by row, and the journey map JSON. Prints every difference."""
import csv
import glob
import json
import sys

IGNORED = {"version", "createdat", "trainingseconds", "previouschampion", "generatedat", "modelversion", "elapsedseconds", "seconds"}


def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k.lower() not in IGNORED}
    if isinstance(o, list):
        return [strip(x) for x in o]
    return o


def diff(x, y, path=""):
    if type(x) is not type(y):
        return [f"{path}: {str(x)[:80]} != {str(y)[:80]}"]
    if isinstance(x, dict):
        out = []
        for k in sorted(set(x) | set(y)):
            out += [f"{path}.{k}: only in one"] if k not in x or k not in y else diff(x[k], y[k], f"{path}.{k}")
        return out
    if isinstance(x, list):
        if len(x) != len(y):
            return [f"{path}: length {len(x)} != {len(y)}"]
        return [d for i, (p, q) in enumerate(zip(x, y)) for d in diff(p, q, f"{path}[{i}]")]
    return [] if x == y else [f"{path}: {str(x)[:80]} != {str(y)[:80]}"]


def metadata(folder):
    return strip(json.load(open(glob.glob(folder + "/models/2*/metadata.json")[0])))


def snapshot(folder):
    rows = list(csv.DictReader(open(glob.glob(folder + "/models/snapshots/*.csv")[0])))
    return [{k: v for k, v in r.items() if "version" not in k.lower()} for r in rows]


def journey_map(folder):
    return strip(json.load(open(folder + "/models/journeys/all/journey-map.json")))


a, b = sys.argv[1], sys.argv[2]
d = diff(metadata(a), metadata(b), "metadata")
print(f"metadata differences: {len(d)}", *d[:20], sep="\n")
sa, sb = snapshot(a), snapshot(b)
print(f"snapshot rows {len(sa)} and {len(sb)}: {'equal' if sa == sb else 'DIFFERENT'}")
for x, y in zip(sa, sb):
    if x != y:
        print({k: (x[k], y.get(k)) for k in x if x[k] != y.get(k)})
        break
d = diff(journey_map(a), journey_map(b), "map")
print(f"journey map differences: {len(d)}", *d[:20], sep="\n")
