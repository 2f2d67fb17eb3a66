"""`tiny-agent-trainer eval`: execution-based evaluation of a model (or pre-written shaders) on a benchmark.

Parses the options, loads the candidate source (`inference.registry.load_source`), runs
`evaluation.runner.evaluate` with a progress bar on stderr, writes the reports and prints a rich
table (or, with `--json`, the summary JSON on stdout). User mistakes raise `UserError`.
It does NOT judge or sandbox anything itself (see `evaluation`).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "eval", help="judge a model by running its shaders on a benchmark (pass@k)",
        description="Generate shaders for every task of a benchmark and judge them by running them against the "
                    "task's reference on the same random inputs, each candidate in a sandboxed worker process.")
    p.add_argument("--bench", required=True, help="benchmark TOML file (e.g. benchmarks/public.toml)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--model", help="template | retrieval | reference | a checkpoint directory or bundled model name")
    src.add_argument("--candidates", metavar="DIR", help="judge pre-written DIR/<task id>.wgsl files instead")
    p.add_argument("--samples", type=int, default=5, metavar="N", help="samples per task (default: %(default)s)")
    p.add_argument("--k", default="1,5", help="comma-separated k for pass@k; k > samples is reported as n/a "
                   "(default: %(default)s)")
    p.add_argument("--trials", type=int, default=3, help="runs per candidate, each with its own input seed "
                   "(at least 3; default: %(default)s)")
    p.add_argument("--timeout", type=float, default=10.0, metavar="S",
                   help="seconds per step (validation or one trial) before a candidate is killed (default: %(default)s)")
    p.add_argument("--workers", type=int, default=None, help="sandbox worker processes (default: 2, or 1 on one core)")
    p.add_argument("--seed", type=int, default=0, help="seed for sampling and trial inputs (default: %(default)s)")
    p.add_argument("--retrieval-corpus", action="append", metavar="PATH",
                   help="training records for --model retrieval (TOML or JSONL files or directories; repeatable; "
                        "default: config/wgsl_training_data.toml + data/train*.jsonl)")
    p.add_argument("--report", required=True, metavar="DIR",
                   help="write summary.json, results.jsonl, report.md and pass_by_category.png here")
    p.add_argument("--json", action="store_true", help="print the summary JSON on stdout instead of the table")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def parse_ks(text: str) -> list[int]:
    try:
        ks = sorted({int(x) for x in text.split(",") if x.strip()})
    except ValueError:
        raise UserError(f"--k {text!r}: expected comma-separated positive integers, e.g. 1,5") from None
    if not ks or ks[0] < 1:
        raise UserError(f"--k {text!r}: expected comma-separated positive integers, e.g. 1,5")
    return ks


def _check_args(args) -> list[int]:
    ks = parse_ks(args.k)
    if not args.model and not args.candidates:
        raise UserError("give --model NAME|PATH or --candidates DIR")
    if args.samples < 1:
        raise UserError("--samples must be at least 1")
    if args.trials < 3:
        raise UserError("--trials must be at least 3 (the kernel conventions judge every candidate on >= 3 seeds)")
    if not args.timeout > 0:
        raise UserError("--timeout must be positive")
    if args.workers is not None and args.workers < 1:
        raise UserError("--workers must be at least 1")
    if not Path(args.bench).is_file():
        raise UserError(f"--bench {args.bench}: no such file")
    if args.candidates and not Path(args.candidates).is_dir():
        raise UserError(f"--candidates {args.candidates}: not a directory")
    return ks


class _Progress:
    """A rich progress bar on stderr with one line per phase."""

    LABELS = {"generate": "generating", "references": "references", "judge": "judging"}

    def __init__(self, enabled: bool):
        self.bar = None
        self.ids: dict[str, int] = {}
        if enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description:>11}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=Console(stderr=True), transient=False)

    def __enter__(self):
        if self.bar:
            self.bar.start()
        return self

    def __exit__(self, *exc):
        if self.bar:
            self.bar.stop()

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.bar:
            return
        if phase not in self.ids:
            self.ids[phase] = self.bar.add_task(self.LABELS.get(phase, phase), total=total)
        self.bar.update(self.ids[phase], completed=done, total=total)


def run(args) -> int:
    from ..evaluation.report import console_table, summarize, write_reports
    from ..evaluation.runner import evaluate, load_tasks
    from ..evaluation.sandbox import SandboxError, default_workers

    ks = _check_args(args)
    tasks = load_tasks(args.bench)  # BenchmarkError is a UserError naming file and task
    source = None
    if args.model:
        from ..inference.registry import load_source

        source = load_source(args.model, retrieval_corpus=args.retrieval_corpus)
    samples = 1 if args.candidates else args.samples
    if max(ks) > samples:
        print(f"note: pass@k for k > {samples} sample(s) per task is reported as n/a", file=sys.stderr)
    show = not args.no_progress and sys.stderr.isatty()
    try:
        with _Progress(show) as progress:
            result = evaluate(args.bench, source=source, candidates_dir=args.candidates, samples=samples,
                              trials=args.trials, timeout=args.timeout, workers=args.workers or default_workers(),
                              seed=args.seed, progress=progress, tasks=tasks)
    except SandboxError as e:
        raise UserError(f"cannot run shaders: {e}") from None
    summary = summarize(result, ks)
    paths = write_reports(result, summary, args.report)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        from rich.console import Console

        console = Console()
        console.print(console_table(summary))
        console.print(f"reports: {paths['markdown'].parent}/ (summary.json, results.jsonl, report.md, "
                      f"pass_by_category.png)")
    return 0
