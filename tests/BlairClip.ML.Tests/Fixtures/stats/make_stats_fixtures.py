"""Writes stats.json: paired-test p-values from SciPy (Debian python3-scipy 1.10.1) for the C# tests.

Run: /usr/bin/python3 make_stats_fixtures.py   (from this folder)

Cases are per-user metric differences shaped like an evaluator's: few values, many exact zeros, ties.
"""
import json
import math

import numpy as np
from scipy import stats


def holm(p):
    order = sorted(range(len(p)), key=lambda i: p[i])
    adjusted = [0.0] * len(p)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p) - rank) * p[i]))
        adjusted[i] = running
    return adjusted


rng = np.random.default_rng(20261202)
cases = []


def add(name, a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    d = a - b
    case = {"name": name, "a": a.tolist(), "b": b.tolist()}
    case["ttest_p"] = float(stats.ttest_rel(a, b).pvalue) if np.any(d != d[0]) else None
    try:
        case["wilcoxon_p"] = float(stats.wilcoxon(a, b).pvalue)
    except ValueError:
        case["wilcoxon_p"] = None  # all differences zero
    cases.append(case)


# Small, no zeros, distinct |d|: the exact distribution.
add("exact_n10", rng.normal(0.3, 1, 10), rng.normal(0, 1, 10))
add("exact_n25_shifted", rng.normal(0.5, 1, 25), rng.normal(0, 1, 25))
add("exact_n50", rng.normal(0.1, 1, 50), rng.normal(0, 1, 50))
# Small with ties in |d| but no zeros: still "exact" in scipy 1.10 (rank sum truncated).
add("exact_ties_n12", [1, 2, 3, 1, 2, 3, 1, 2, 4, 5, 1, 2], [0, 0, 1, 2, 0, 0, 3, 0, 1, 1, 2, 0])
# Small with zeros: normal approximation.
add("approx_zeros_n20", [1, 0, 0.5, 0, 1, 1, 0, 0.2, 0.5, 1, 0, 0, 1, 0.5, 0.5, 1, 0, 0.3, 1, 1],
    [0, 0, 0, 0, 1, 0, 0, 0.1, 0, 0, 0, 1, 0, 0, 0.5, 0, 1, 0, 0, 0])
# Evaluator-shaped: NDCG@10-like per-user values, most users 0 in both models, ties everywhere.
levels = np.array([0, 0, 0, 0, 0, 0, 0, 1 / math.log2(2), 1 / math.log2(3), 1 / math.log2(4), 1 / math.log2(6), 1 / math.log2(11)])
a = rng.choice(levels, 956)
b = np.where(rng.random(956) < 0.7, a, rng.choice(levels, 956))
add("ndcg_like_n956", a, b)
a2 = rng.choice(levels, 300)
add("ndcg_like_n300_better", np.where(rng.random(300) < 0.15, 1.0, a2), a2)
add("large_normal_n2000", rng.normal(0.02, 1, 2000), rng.normal(0, 1, 2000))

family = [c["ttest_p"] for c in cases if c["ttest_p"] is not None]
out = {
    "scipy": __import__("scipy").__version__,
    "cases": cases,
    "holm": {"p": family, "adjusted": holm(family)},
    "erfc": [[x, math.erfc(x)] for x in [-3.0, -0.7, 0.0, 0.1, 0.49, 0.5, 0.51, 1.0, 2.0, 3.9, 4.0, 4.1, 6.0, 10.0, 26.0]],
}
with open("stats.json", "w") as f:
    json.dump(out, f, indent=1)
print(f"wrote stats.json: {len(cases)} cases")
