"""Retrieval quality: how often is a right shader among the k nearest corpus examples of a benchmark prompt?

For each task of a benchmark, takes the k nearest examples of a retrieval corpus under the word-only
TF-IDF index (`TfIdfIndex`) and under the index `generate` uses (`HybridIndex`: words + character
n-grams), runs every distinct shader on wgpu against the task's reference (`evaluation.judge`, 3 trials),
and reports per index how many tasks the nearest example passes and how many have a passing one among
the k. The shaders keep their own names (`generate` renames them to the model's first); a measurement,
not a test: it asserts nothing.

Usage: python benchmarks/bench_retrieval.py [--bench benchmarks/dev.toml ...] [--corpus FILE] [--k 5]
  [--json] [--list]   (--list: the tasks whose outcome differs between the two indexes)
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", action="append", default=None)
    ap.add_argument("--corpus", default=str(ROOT / "src/tiny_agent_trainer/bundled/default/retrieval.jsonl.gz"))
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args(argv)
    from tiny_agent_trainer.evaluation.judge import shared_judge
    from tiny_agent_trainer.inference import baselines as B
    from tiny_agent_trainer.spec import load_bench

    examples = B.load_examples([a.corpus])
    prompts = [e.prompt for e in examples]
    indexes = {"word": B.TfIdfIndex(prompts), "hybrid": B.HybridIndex(prompts)}
    judge = shared_judge(trials=3)
    rows = []
    for bench in a.bench or [str(ROOT / "benchmarks/dev.toml")]:
        tasks = load_bench(bench)
        near = {(t.id, name): [examples[i].code for i, _ in idx.nearest(t.prompt, a.k)]
                for t in tasks for name, idx in indexes.items()}
        todo = sorted({(t.id, c) for t in tasks for name in indexes for c in near[(t.id, name)]})
        by_id = {t.id: t for t in tasks}
        reruns = judge.crash_reruns
        verdicts = judge.judge_many([(by_id[tid], c) for tid, c in todo])
        ok = {key: v.verdict == "pass" for key, v in zip(todo, verdicts)}
        row = {"bench": Path(bench).stem, "tasks": len(tasks), "k": a.k, "differs": [], "judged": len(todo),
               "crashed_then_rerun": judge.crash_reruns - reruns,
               "crashed_twice": sum(v.verdict == "crash" for v in verdicts)}
        for name in indexes:
            hits = [[ok[(t.id, c)] for c in near[(t.id, name)]] for t in tasks]
            row[name] = {"nearest": sum(h[0] for h in hits if h), f"any_of_{a.k}": sum(any(h) for h in hits)}
        for t in tasks:
            got = {name: (ok[(t.id, near[(t.id, name)][0])], any(ok[(t.id, c)] for c in near[(t.id, name)]))
                   for name in indexes}
            if got["word"] != got["hybrid"]:
                row["differs"].append({"task": t.id, **{n: list(v) for n, v in got.items()}})
        rows.append(row)
        if not a.json:
            print(f"{row['bench']} ({row['tasks']} tasks): " + ", ".join(
                f"{n} nearest {row[n]['nearest']} any-of-{a.k} {row[n][f'any_of_{a.k}']}" for n in indexes)
                + f" ({row['judged']} shaders run, {row['crashed_then_rerun']} crashed and were rerun,"
                  f" {row['crashed_twice']} crashed twice)", flush=True)
            for d in row["differs"] if a.list else []:
                print(f"   {d['task']}: word (nearest, any) {d['word']} -> hybrid {d['hybrid']}")
    if a.json:
        print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    from tiny_agent_trainer.errors import UserError
    from tiny_agent_trainer.spec import SpecError

    try:
        sys.exit(main())
    except (UserError, SpecError) as e:  # a missing corpus or a broken benchmark file: say so, no traceback
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
