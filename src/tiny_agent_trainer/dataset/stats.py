"""Dataset statistics: per-family/per-split counts, prompt and code token-length summaries and a
PNG plot of the length histograms (matplotlib, Agg backend).

Token counts use the project tokenizer when it can be built cheaply; otherwise a simple regex
count (words, numbers and punctuation) -- the summary says which was used.
This module does NOT modify data and does NOT print (see `commands/dataset.py`).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict

import numpy as np

_TOK = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|\S")


def count_tokens(text: str) -> int:
    return len(_TOK.findall(text))


def summarize(records: list[dict]) -> dict:
    fam: dict[str, Counter] = defaultdict(Counter)
    for r in records:
        fam[r.get("family") or r.get("category", "?")][r.get("split", "?")] += 1
    p_len = np.array([count_tokens(r["prompt"]) for r in records]) if records else np.zeros(0)
    c_len = np.array([count_tokens(r["reference"]) for r in records]) if records else np.zeros(0)

    def desc(a):
        if not a.size:
            return {}
        return {"min": int(a.min()), "mean": round(float(a.mean()), 1), "p50": int(np.percentile(a, 50)),
                "p95": int(np.percentile(a, 95)), "max": int(a.max())}

    return {"records": len(records), "families": {f: dict(c) for f, c in sorted(fam.items())},
            "splits": dict(Counter(r.get("split", "?") for r in records)),
            "sources": dict(Counter(r.get("source", "?") for r in records)),
            "variants": len({r.get("variant") for r in records}),
            "phrasings": len({r.get("phrasing") for r in records}),
            "distinct_prompts": len({r["prompt"] for r in records}),
            "distinct_code": len({r["reference"] for r in records}),
            "prompt_tokens": desc(p_len), "code_tokens": desc(c_len), "tokenizer": "regex (words, numbers, symbols)",
            "_lengths": (p_len, c_len)}


def plot(summary: dict, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    p_len, c_len = summary["_lengths"]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    axes[0].hist(p_len, bins=40, color="tab:blue")
    axes[0].set_title("prompt length (tokens)")
    axes[1].hist(c_len, bins=40, color="tab:green")
    axes[1].set_title("code length (tokens)")
    fams = summary["families"]
    names = list(fams)
    splits = sorted({s for c in fams.values() for s in c})
    bottom = np.zeros(len(names))
    for s in splits:
        vals = np.array([fams[f].get(s, 0) for f in names])
        axes[2].bar(names, vals, bottom=bottom, label=s)
        bottom += vals
    axes[2].set_title("records per family")
    axes[2].tick_params(axis="x", rotation=45)
    axes[2].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
