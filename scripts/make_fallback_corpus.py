"""Write a model bundle's retrieval-fallback corpus (`retrieval.jsonl.gz`): the shaders the model was
trained on (a dataset directory's train and test splits plus the curated TOML), at most two prompts
per distinct shader. Every shader in it was verified by execution when the dataset was built.

Usage: python scripts/make_fallback_corpus.py DATA_DIR CURATED_TOML BUNDLE_DIR
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from tiny_agent_trainer.inference.baselines import FALLBACK_CORPUS, Example, load_examples, write_corpus  # noqa: E402
from tiny_agent_trainer.training.data import read_jsonl  # noqa: E402


def main() -> None:
    data, curated, bundle = (Path(a) for a in sys.argv[1:4])
    exs = load_examples([curated])
    for f in sorted(data.glob("train*.jsonl")) + sorted(data.glob("test*.jsonl")):
        for r in read_jsonl(f):
            if r.get("source") != "curated":
                exs.append(Example(r["prompt"], r["reference"], f"{f}:{r.get('id', '?')}"))
    n = write_corpus(exs, bundle / FALLBACK_CORPUS)
    out = bundle / FALLBACK_CORPUS
    print(f"wrote {out}: {n} records from {len(exs)} examples, {out.stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
