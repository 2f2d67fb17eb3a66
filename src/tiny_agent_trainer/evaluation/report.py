"""Turn an `EvalRun` into metrics and report files: summary.json, results.jsonl, report.md, a bar chart.

`summarize(run, ks)` computes pass@k (unbiased estimator, mean over tasks), pass and valid rates,
verdict counts and per-category rates. `write_reports(run, summary, dir)` writes
`summary.json`, `results.jsonl`, `report.md` and `pass_by_category.png` (matplotlib, Agg backend);
`console_table(summary)` builds the rich table the CLI prints.
It does NOT run or judge shaders (see `runner`, `judge`).
"""
from __future__ import annotations

import datetime as _dt
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from .compare import PASS, VALID_VERDICTS, VERDICTS
from .passk import mean_pass_at_k
from .runner import EvalRun


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 6) if den else None


def _per_task(run: EvalRun) -> dict[str, tuple[int, int]]:
    """(n samples, c passing) per task id, in benchmark order."""
    nc: dict[str, list[int]] = {t.id: [0, 0] for t in run.tasks}
    for r in run.results:
        nc[r.task_id][0] += 1
        nc[r.task_id][1] += r.verdict == PASS
    return {k: (v[0], v[1]) for k, v in nc.items()}


def summarize(run: EvalRun, ks: Sequence[int] = (1,)) -> dict:
    """The summary.json content (also what `eval --json` prints)."""
    per_task = _per_task(run)
    verdicts = Counter(r.verdict for r in run.results)
    n = len(run.results)
    passk = {}
    for k in ks:
        v = mean_pass_at_k(per_task.values(), k)
        passk[f"pass@{k}"] = None if v is None else round(v, 6)
    cats: dict[str, dict] = {}
    by_cat: dict[str, list[str]] = defaultdict(list)
    for t in run.tasks:
        by_cat[t.category].append(t.id)
    for cat, ids in sorted(by_cat.items()):
        rs = [r for r in run.results if r.category == cat]
        entry = {"n_tasks": len(ids), "n_samples": len(rs),
                 "pass_rate": _rate(sum(r.verdict == PASS for r in rs), len(rs)),
                 "valid_rate": _rate(sum(r.verdict in VALID_VERDICTS for r in rs), len(rs))}
        for k in ks:
            v = mean_pass_at_k([per_task[i] for i in ids], k)
            entry[f"pass@{k}"] = None if v is None else round(v, 6)
        cats[cat] = entry
    total = sum(run.timings.get(k, 0.0) for k in ("references_s", "judging_s"))
    return {
        "model": run.model_id,
        "bench": run.bench,
        "bench_sha256": run.bench_sha256,
        "n_tasks": len(run.tasks),
        "samples_per_task": run.n_samples,
        "n_samples": n,
        "trials": run.trials,
        "timeout_s": run.timeout,
        "seed": run.seed,
        "pass@k": passk,
        "pass_rate": _rate(verdicts[PASS], n),
        "valid_rate": _rate(sum(verdicts[v] for v in VALID_VERDICTS), n),
        "verdicts": {v: verdicts.get(v, 0) for v in VERDICTS},
        "tasks_solved": sum(c > 0 for _, c in per_task.values()),
        "categories": cats,
        "pass_rate_by_category": {c: e["pass_rate"] for c, e in cats.items()},
        "timings": dict(run.timings, execution_per_task_s=round(total / max(1, len(run.tasks)), 4)),
        "sandbox": {"workers": run.workers, "restarts": run.restarts, "device": run.device},
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }


def _fmt(v: float | None, pct: bool = True) -> str:
    if v is None:
        return "n/a"
    return f"{100 * v:.1f}%" if pct else f"{v:g}"


def _md_escape(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ").strip()


def markdown(run: EvalRun, summary: dict) -> str:
    ks = list(summary["pass@k"])
    lines = [f"# Evaluation: {summary['model']}", "",
             f"- benchmark: `{summary['bench']}` (sha256 `{summary['bench_sha256'][:16]}…`), "
             f"{summary['n_tasks']} tasks, {summary['samples_per_task']} sample(s) per task, "
             f"{summary['trials']} trials per sample",
             f"- device: {summary['sandbox']['device'].get('device', '?')} "
             f"({summary['sandbox']['device'].get('backend_type', '?')}), "
             f"{summary['sandbox']['workers']} sandbox workers, {summary['sandbox']['restarts']} restarts",
             f"- time: {summary['timings'].get('total_s', 0):.1f} s total", "",
             "| metric | value |", "|---|---|"]
    for k in ks:
        lines.append(f"| {k} | {_fmt(summary['pass@k'][k])} |")
    lines += [f"| pass rate (samples) | {_fmt(summary['pass_rate'])} |",
              f"| valid rate (naga) | {_fmt(summary['valid_rate'])} |",
              f"| tasks solved | {summary['tasks_solved']} / {summary['n_tasks']} |", "",
              "## By category", "", "| category | tasks | " + " | ".join(ks) + " | pass rate | valid rate |",
              "|---|---:|" + "---:|" * len(ks) + "---:|---:|"]
    for cat, e in summary["categories"].items():
        lines.append(f"| {cat} | {e['n_tasks']} | " + " | ".join(_fmt(e[k]) for k in ks)
                     + f" | {_fmt(e['pass_rate'])} | {_fmt(e['valid_rate'])} |")
    lines += ["", "## Verdicts", "", "| " + " | ".join(VERDICTS) + " |", "|" + "---:|" * len(VERDICTS),
              "| " + " | ".join(str(summary["verdicts"][v]) for v in VERDICTS) + " |", "",
              "## Tasks", "", "| task | category | passed | verdicts | first problem |", "|---|---|---:|---|---|"]
    by_task: dict[str, list] = defaultdict(list)
    for r in run.results:
        by_task[r.task_id].append(r)
    for t in run.tasks:
        rs = by_task[t.id]
        cnt = Counter(r.verdict for r in rs)
        first = next((r for r in rs if r.verdict != PASS), None)
        msg = _md_escape(first.message.splitlines()[-1] if first and first.message.strip() else "")[:120]
        lines.append(f"| {t.id} | {t.category} | {cnt[PASS]}/{len(rs)} | "
                     + ", ".join(f"{v}×{c}" for v, c in cnt.most_common()) + f" | {msg} |")
    return "\n".join(lines) + "\n"


def bar_chart(summary: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cats = list(summary["categories"])
    rates = [100 * (summary["categories"][c]["pass_rate"] or 0.0) for c in cats]
    fig, ax = plt.subplots(figsize=(max(4.0, 0.9 * len(cats) + 1.5), 3.6), dpi=110)
    bars = ax.bar(cats, rates, color="#4C72B0")
    ax.bar_label(bars, labels=[f"{r:.0f}%" for r in rates], fontsize=8)
    ax.set_ylim(0, 105)
    ax.set_ylabel("pass rate (%)")
    ax.set_title(f"{summary['model']}: pass rate by category ({summary['n_tasks']} tasks)", fontsize=10)
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_reports(run: EvalRun, summary: dict, directory: str | Path) -> dict[str, Path]:
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    paths = {"summary": d / "summary.json", "results": d / "results.jsonl",
             "markdown": d / "report.md", "chart": d / "pass_by_category.png"}
    paths["summary"].write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    with paths["results"].open("w", encoding="utf-8") as f:
        for r in run.results:
            f.write(json.dumps(r.to_dict()) + "\n")
    paths["markdown"].write_text(markdown(run, summary), encoding="utf-8")
    bar_chart(summary, paths["chart"])
    return paths


def console_table(summary: dict):
    """A rich Table: one row per category plus the total."""
    from rich.table import Table

    ks = list(summary["pass@k"])
    table = Table(title=f"{summary['model']} on {Path(summary['bench']).name} "
                        f"({summary['n_tasks']} tasks, {summary['samples_per_task']} samples each)")
    table.add_column("category")
    table.add_column("tasks", justify="right")
    for k in ks:
        table.add_column(k, justify="right")
    table.add_column("valid", justify="right")
    for cat, e in summary["categories"].items():
        table.add_row(cat, str(e["n_tasks"]), *(_fmt(e[k]) for k in ks), _fmt(e["valid_rate"]))
    table.add_section()
    table.add_row("[bold]all[/bold]", str(summary["n_tasks"]), *(f"[bold]{_fmt(summary['pass@k'][k])}[/bold]" for k in ks),
                  _fmt(summary["valid_rate"]))
    v = summary["verdicts"]
    table.caption = "verdicts: " + ", ".join(f"{k} {v[k]}" for k in VERDICTS if v[k]) \
        + f" · {summary['timings'].get('total_s', 0):.1f} s"
    return table
