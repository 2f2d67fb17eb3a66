"""Judge every member of `generate`'s reranked pool, so that selection rules can be replayed offline.

For each task of a benchmark, `generate` runs as shipped; its pool (every valid candidate before the
interface and race filters: the model's answer, retrieved shaders, formula kernels, variants) is caught
through `Generator.on_pool`, each member gets its two rerank terms (generator and reviewer, separately)
and its verdict from the judge (wgpu, the task's reference, 3 trials). One JSON line per task goes to
`--out`, with the code `generate` chose and its verdict. `--replay` then recomputes the choice from those
lines under other settings without running a model or a GPU, with the filters of the code on the path:

    python benchmarks/bench_pools.py --bench benchmarks/dev.toml --out /tmp/pools-dev.jsonl
    python benchmarks/bench_pools.py --replay /tmp/pools-dev.jsonl --retrieval-bonus 0.1 0.3 --formula-bonus 2.0
    python benchmarks/bench_pools.py --replay /tmp/pools-*.jsonl --reviewer runs/reviewer2/bundle

`--reviewer` rescores every member with another reviewer before the replay (the pool does not depend on the
reviewer, so this judges a new reviewer exactly, without generating or running a shader); several reviewers,
comma-separated, score with their mean.

The replay reports, per setting, the tasks whose chosen member passes and the oracle (a passing member left
in the filtered pool). This is a development tool: it measures the selection, it does not tune anything.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    import tiny_agent_trainer  # noqa: F401
except ImportError:  # a checkout without an installed package
    sys.path.insert(0, str(ROOT / "src"))


def record(bench: str, out: str, model: str | None = None, ids: list[str] | None = None, **options) -> None:
    from tiny_agent_trainer.evaluation.judge import Judge
    from tiny_agent_trainer.evaluation.runner import load_tasks
    from tiny_agent_trainer.evaluation.sandbox import Sandbox, default_workers
    from tiny_agent_trainer.inference.api import Generator
    from tiny_agent_trainer.inference.rerank import teacher_forced_means

    tasks = [t for t in load_tasks(bench) if not ids or t.id in ids]
    gen = Generator(model, **options)
    caught: list = []
    gen.on_pool = lambda prompt, members: caught.append(members)
    rr = gen.reranker()
    judge = Judge(Sandbox(workers=default_workers()), trials=3)
    with open(out, "w") as f:
        for t in tasks:
            caught.clear()
            g = gen.generate(t.prompt)
            members = caught[-1] if caught else []
            codes = [m["code"] for m in members]
            if codes:
                gt, rt = rr.generator.tokenizer, rr.reviewer.tokenizer
                fwd = teacher_forced_means(rr.generator, [gt.encode_prompt(t.prompt)] * len(codes), gt.encode_codes(codes))
                rev = teacher_forced_means(rr.reviewer, rt.encode_codes(codes), [rt.encode_prompt(t.prompt)] * len(codes))
                for m, a, b in zip(members, fwd, rev):
                    m["fwd"], m["rev"] = a, b
            verdicts = judge.judge_many([(t, c) for c in codes + [g.code or None]])
            for m, v in zip(members, verdicts):
                m["verdict"] = v.verdict
            line = {"id": t.id, "category": t.category, "prompt": t.prompt, "members": members,
                    "chosen": g.code, "chosen_verdict": verdicts[-1].verdict}
            f.write(json.dumps(line) + "\n")
            f.flush()
            print(t.id, verdicts[-1].verdict, f"{sum(m['verdict'] == 'pass' for m in members)}/{len(members)}",
                  flush=True)
    judge.sandbox.close()


def choose(line: dict, retrieval_bonus: float, formula_bonus: float, fwd_weight: float = 1.0,
           step_bonus: float = 0.0) -> str | None:
    """The verdict of the member `generate`'s filters and scores choose (`api.kept_members`, `api.bonus`), or the
    recorded verdict when no pool was reranked."""
    from tiny_agent_trainer.inference.api import bonus, kept_members
    from tiny_agent_trainer.inference.options import Options

    members = line["members"]
    if not members:
        return line["chosen_verdict"]
    o = Options(retrieval_bonus=retrieval_bonus, formula_bonus=formula_bonus, step_bonus=step_bonus)
    pool = [members[i] for i in kept_members(line["prompt"], [m["code"] for m in members], o)]
    return max(pool, key=lambda m: fwd_weight * m["fwd"] + m["rev"] + bonus(m["outside"], m["transcribed"], o,
                                                                         m.get("stepped", False)))["verdict"]


def oracle(line: dict) -> bool:
    """Whether a member that `generate`'s filters keep passes."""
    from tiny_agent_trainer.inference.api import kept_members
    from tiny_agent_trainer.inference.options import Options

    members = line["members"]
    if not members:
        return line["chosen_verdict"] == "pass"
    return any(members[i]["verdict"] == "pass" for i in kept_members(line["prompt"], [m["code"] for m in members],
                                                                   Options()))


def rescore(lines: list[dict], reviewer: str) -> None:
    """Replace every member's reviewer term (`rev`) with the score of the reviewer at `reviewer` (a bundle or
    checkpoint directory; several, comma-separated: the mean of their scores), in place. The pool does not depend
    on the reviewer, so a recorded pool judges a new reviewer exactly, with no generation and no GPU."""
    from tiny_agent_trainer.inference.loading import load_model
    from tiny_agent_trainer.inference.rerank import reviewer_means

    rs = [load_model(Path(p), "cpu") for p in reviewer.split(",")]
    for line in lines:
        codes = [m["code"] for m in line["members"]]
        if codes:
            revs = [reviewer_means(r, line["prompt"], codes) for r in rs]
            for k, m in enumerate(line["members"]):
                m["rev"] = sum(v[k] for v in revs) / len(revs)


def replay(files: list[str], rbs: list[float], fbs: list[float], fws: list[float], sbs: list[float] = (0.0,),
           reviewer: str | None = None) -> None:
    sets = {Path(f).stem: [json.loads(x) for x in open(f)] for f in files}
    if reviewer:
        for lines in sets.values():
            rescore(lines, reviewer)
    print("recorded:", {k: sum(x["chosen_verdict"] == "pass" for x in v) for k, v in sets.items()},
          "oracle:", {k: sum(oracle(x) for x in v) for k, v in sets.items()})
    for rb, fb, fw, sb in itertools.product(rbs, fbs, fws, sbs):
        got = {k: sum(choose(x, rb, fb, fw, sb) == "pass" for x in v) for k, v in sets.items()}
        print(f"retrieval {rb:4.2f} formula {fb:4.2f} fwd x{fw:4.2f} step {sb:4.2f}:", got, "total", sum(got.values()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bench")
    ap.add_argument("--out")
    ap.add_argument("--model", default=None)
    ap.add_argument("--ids", default="", help="comma-separated task ids (default: all)")
    ap.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE",
                    help="a generation option (inference.options.Options), e.g. retrieval_scan=4")
    ap.add_argument("--replay", nargs="*", default=None, help="recorded JSONL files to replay")
    from tiny_agent_trainer.inference.options import Options

    ap.add_argument("--retrieval-bonus", nargs="*", type=float, default=[Options().retrieval_bonus],
                    help="default: generate's (inference.options.Options)")
    ap.add_argument("--formula-bonus", nargs="*", type=float, default=[Options().formula_bonus])
    ap.add_argument("--fwd-weight", nargs="*", type=float, default=[1.0])
    ap.add_argument("--step-bonus", nargs="*", type=float, default=[0.0])
    ap.add_argument("--reviewer", default=None,
                    help="replay: rescore every member with this reviewer (bundle or checkpoint directory; "
                         "several, comma-separated: their mean) first")
    a = ap.parse_args()
    if a.replay:
        replay(a.replay, a.retrieval_bonus, a.formula_bonus, a.fwd_weight, a.step_bonus, a.reviewer)
    elif a.bench and a.out:
        options = {k: json.loads(v) for k, v in (kv.split("=", 1) for kv in a.set)}
        record(a.bench, a.out, a.model, [i for i in a.ids.split(",") if i], **options)
    else:
        ap.error("give --bench and --out, or --replay FILES")


if __name__ == "__main__":
    main()
