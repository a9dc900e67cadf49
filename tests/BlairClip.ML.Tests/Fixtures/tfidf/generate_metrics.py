"""Reference metrics for the quickstart's TF-IDF model, computed with scikit-learn and NumPy only.

Reproduces, independently of the C# code, what experiments/quickstart.yaml does for its TF-IDF model on the
embedded All_Beauty sample: users with >= 2 interactions, leave-one-out by timestamp (ties keep file order),
catalog = items with interactions (meta file order), item text = title + description + features (lists joined
with spaces, fields with one space, empty fields skipped), TfidfVectorizer(stop_words='english',
max_features=5000) fitted on the catalog texts, user profile = mean of the history items' rows, score = dot
product, candidates = catalog minus the user's training items (held-out item kept), optimistic ties.
Scores are computed in float32, as the C# model does, so ties come out the same.

Run from the repository root:  /usr/bin/python3 tests/BlairClip.ML.Tests/Fixtures/tfidf/generate_metrics.py
"""
import json, math, os, collections
import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

root = os.path.dirname(os.path.abspath(__file__))
repo = os.path.abspath(os.path.join(root, "..", "..", "..", ".."))
sample = os.path.join(repo, "data", "samples", "all-beauty")

reviews = [json.loads(l) for l in open(os.path.join(sample, "All_Beauty.jsonl"), encoding="utf-8")]
meta = [json.loads(l) for l in open(os.path.join(sample, "meta_All_Beauty.jsonl"), encoding="utf-8")]

def field_text(v):
    if v is None:
        return ""
    if isinstance(v, list):
        return " ".join(s for s in v if s)
    return str(v)

def item_text(m):
    return " ".join(t for t in (field_text(m.get(f)) for f in ("title", "description", "features")) if t)

by_user = collections.defaultdict(list)
for k, r in enumerate(reviews):
    by_user[r["user_id"]].append((r["timestamp"], k, r["parent_asin"]))
interacted = {r["parent_asin"] for r in reviews}
catalog = [m["parent_asin"] for m in meta if m["parent_asin"] in interacted]
index = {a: i for i, a in enumerate(catalog)}
texts = [item_text(m) for m in meta if m["parent_asin"] in interacted]

X = TfidfVectorizer(stop_words="english", max_features=5000).fit_transform(texts).astype(np.float32).toarray()

ks = (10, 50)
rows = []
for user in sorted(by_user, key=lambda u: min(k for _, k, _ in by_user[u])):
    events = sorted(by_user[user], key=lambda e: (e[0], e[1]))
    if len(events) < 2:
        continue
    target = index[events[-1][2]]
    history = sorted({index[a] for _, _, a in events[:-1]})
    profile = X[history].mean(axis=0, dtype=np.float32)
    scores = (X @ profile).astype(np.float32)
    mask = np.ones(len(catalog), dtype=bool)
    mask[history] = False
    mask[target] = True
    s = scores[target]
    higher = int(np.sum(scores[mask] > s))
    candidates = int(mask.sum())
    rank = higher + 1
    rows.append({"user": user, "item": catalog[target], "rank": rank, "candidates": candidates})

def mean(f):
    return sum(f(r) for r in rows) / len(rows)

metrics = {
    "Recall@10": mean(lambda r: 1.0 if r["rank"] <= 10 else 0.0),
    "Recall@50": mean(lambda r: 1.0 if r["rank"] <= 50 else 0.0),
    "NDCG@10": mean(lambda r: 1 / math.log2(r["rank"] + 1) if r["rank"] <= 10 else 0.0),
    "NDCG@50": mean(lambda r: 1 / math.log2(r["rank"] + 1) if r["rank"] <= 50 else 0.0),
    "MRR": mean(lambda r: 1 / r["rank"]),
    "AUC": mean(lambda r: 1 - (r["rank"] - 1) / (r["candidates"] - 1)),
}
out = {"generator": "generate_metrics.py", "sklearn": sklearn.__version__, "numpy": np.__version__,
       "users": len(rows), "metrics": metrics, "per_user": rows}
with open(os.path.join(root, "tfidf_quickstart_metrics.json"), "w", encoding="utf-8") as f:
    json.dump(out, f, indent=1)
print(json.dumps(metrics, indent=1), len(rows))
