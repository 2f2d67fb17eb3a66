"""Write a model bundle's retrieval-fallback corpus (`retrieval.jsonl.gz`): the shaders the model was
trained on (a dataset directory's train and test splits plus the curated TOML and any extra curated TOML
files, such as the used benchmark sets of `[dataset] extra_curated`), at most two prompts per distinct shader.
Every shader in it was verified by execution when the dataset was built (or by the curated-data tests).
DATA may also be an existing corpus file (`retrieval.jsonl.gz`), which is then extended.

Usage: python scripts/make_fallback_corpus.py DATA CURATED_TOML BUNDLE_DIR [EXTRA_TOML ...]
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from tiny_agent_trainer.inference.baselines import FALLBACK_CORPUS, Example, load_examples, write_corpus  # noqa: E402
from tiny_agent_trainer.training.data import read_jsonl  # noqa: E402


def main() -> None:
    if len(sys.argv) < 4:
        sys.exit(__doc__.strip().splitlines()[-1])
    data, curated, bundle = (Path(a) for a in sys.argv[1:4])
    extra = [Path(a) for a in sys.argv[4:]]
    # an existing corpus: its records come first, as they were; else the dataset's records after the curated ones
    exs = load_examples(([data] if data.is_file() else []) + [curated] + extra)
    if not data.is_file():
        for f in sorted(data.glob("train*.jsonl")) + sorted(data.glob("test*.jsonl")):
            for r in read_jsonl(f):
                if r.get("source") != "curated":
                    exs.append(Example(r["prompt"], r["reference"], f"{f}:{r.get('id', '?')}"))
    out = bundle / FALLBACK_CORPUS
    n = write_corpus(exs, out)
    print(f"wrote {out}: {n} records from {len(exs)} examples, {out.stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
