"""Copy fidelity of `generate`: do names and numbers from the prompt reach the shader?

Reads `benchmarks/copy_probes.toml` (hand-written prompts with unusual names and numbers, each with the
substrings its shader must contain), generates one shader per probe and reports, per probe and overall,
the share of expected substrings found and whether the shader is naga-valid, and where the winner came
from (model or retrieval). A measurement, not a test: it asserts nothing.

Usage: python benchmarks/bench_copy.py [--model NAME|PATH] [--probes FILE] [--json] [--no-rerank]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None)
    ap.add_argument("--probes", default=str(ROOT / "benchmarks" / "copy_probes.toml"))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-rerank", action="store_true")
    a = ap.parse_args(argv)
    from tiny_agent_trainer.inference.api import Generator

    probes = tomllib.loads(Path(a.probes).read_text(encoding="utf-8"))["probe"]
    g = Generator(a.model, rerank=not a.no_rerank)
    rows = []
    for p in probes:
        out = g.generate(p["prompt"])
        found = [e for e in p["expect"] if re.search(r"(?<![\w.])" + re.escape(e) + r"(?![\w])", out.code)]
        rows.append({"prompt": p["prompt"], "ok": out.ok, "source": out.source, "found": len(found),
                     "expected": len(p["expect"]), "missing": [e for e in p["expect"] if e not in found]})
    total = sum(r["found"] for r in rows) / sum(r["expected"] for r in rows)
    summary = {"model": g.id, "rerank": not a.no_rerank, "probes": len(rows), "copied": round(total, 4),
               "all_copied": sum(r["found"] == r["expected"] for r in rows), "valid": sum(r["ok"] for r in rows),
               "from_retrieval": sum(r["source"] == "retrieval" for r in rows)}
    if a.json:
        print(json.dumps({"summary": summary, "probes": rows}, indent=1))
    else:
        for r in rows:
            print(f"{r['found']}/{r['expected']} {r['source']:9s} {'' if r['ok'] else 'INVALID '}{r['prompt'][:70]}"
                  + (f"  missing {r['missing']}" if r["missing"] else ""))
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
