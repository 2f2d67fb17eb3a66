"""`tiny-agent-trainer dataset build|stats|check`: build the verified synthetic dataset, describe a
dataset, or validate-and-execute dataset files.

- `build [--out DIR] [--count N] [--seed S] [--workers W] [--no-verify]`: JSONL shards + manifest.json.
- `stats [DIR|FILE] [--plot out.png]`: per-family counts (rich table), token-length summary, plot.
- `check FILE...`: every record parsed, validated and run against its oracle; exit 1 on any problem.
Defaults come from the [dataset] section of the config dataclasses. This module only parses
arguments and prints; the work is in `tiny_agent_trainer.dataset`.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    from ..dataset.build import defaults

    d = defaults()
    p = sub.add_parser("dataset", help="build, inspect and check training data",
                       description="Build the execution-verified synthetic dataset, print statistics, or check data files.")
    dsub = p.add_subparsers(dest="dataset_command", metavar="SUBCOMMAND")
    b = dsub.add_parser("build", help="generate + verify synthetic pairs, write JSONL shards and a manifest")
    b.add_argument("--out", default=d["data_dir"], help=f"output directory (default: {d['data_dir']})")
    b.add_argument("--count", type=int, default=d["synthetic_count"], help=f"synthetic pairs (default: {d['synthetic_count']})")
    b.add_argument("--seed", type=int, default=d["seed"], help=f"generator seed (default: {d['seed']})")
    b.add_argument("--workers", type=int, default=2, help="verification worker processes (default: 2; 1 = in-process)")
    b.add_argument("--extra-curated", metavar="FILES", default=d.get("extra_curated", ""),
                   help="comma-separated benchmark files whose tasks join the curated training pairs "
                        "(those sets stop being held-out measures; never public or paraphrases)")
    b.add_argument("--no-verify", action="store_true", help="skip execution on wgpu (pairs are then unverified)")
    b.add_argument("--no-progress", action="store_true", help="no progress bars")
    s = dsub.add_parser("stats", help="per-family counts and token-length histograms")
    s.add_argument("path", nargs="?", default=d["data_dir"], help=f"dataset dir or file (default: {d['data_dir']})")
    s.add_argument("--plot", metavar="PNG", help="write a plot of the length histograms and family counts")
    c = dsub.add_parser("check", help="validate and execute dataset files (JSONL or task TOML)")
    c.add_argument("files", nargs="+", metavar="FILE")
    c.add_argument("--workers", type=int, default=2, help="verification worker processes (default: 2)")
    c.add_argument("--no-exec", action="store_true", help="only validate the format, do not run shaders")
    p.set_defaults(func=run, _dataset_parser=p)


def run(args) -> int:
    cmd = getattr(args, "dataset_command", None)
    if cmd == "build":
        return _build(args)
    if cmd == "stats":
        return _stats(args)
    if cmd == "check":
        return _check(args)
    args._dataset_parser.print_help()
    return 2


def _build(args) -> int:
    from rich.console import Console

    from ..dataset.build import build

    if args.count <= 0:
        raise UserError(f"--count must be positive, got {args.count}")
    if args.workers < 1:
        raise UserError(f"--workers must be at least 1, got {args.workers}")
    con = Console(stderr=True)
    m = build(args.out, count=args.count, seed=args.seed, workers=args.workers, verify=not args.no_verify,
              progress=not args.no_progress, extra_curated=args.extra_curated)
    t = m["timings"]
    v = m["verification"]
    con.print(f"wrote {Path(args.out) / 'manifest.json'}: " + ", ".join(f"{k} {n}" for k, n in m["counts"].items())
              + f" (synthetic {m['synthetic_kept']}, curated {m['curated']})")
    if not args.no_verify:
        con.print(f"verified {v['shaders']} distinct shaders in {v['seconds']:.1f}s ({v['shaders_per_s']}/s, "
                  f"{v['workers']} workers); {m['failed_pairs']} pairs failed")
    con.print(f"total {t['total_s']:.1f}s, {m['pairs_per_s']} pairs/s; 4-gram overlap test/train "
              f"{m['ngram_overlap']['4gram']['test_in_train']}")
    for f in m["failures"][:20]:
        con.print(f"[red]dropped[/red] {f['pairs']} pair(s) of {f['variant']} ({f['example_id']}): {f['reason']}")
    return 0


def _stats(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from ..dataset.build import load_records
    from ..dataset.stats import plot, summarize

    recs = load_records(args.path)
    s = summarize(recs)
    con = Console()
    splits = sorted(s["splits"])
    t = Table(title=f"{args.path}: {s['records']} records")
    t.add_column("family")
    for sp in splits:
        t.add_column(sp, justify="right")
    t.add_column("total", justify="right")
    for fam, c in s["families"].items():
        t.add_row(fam, *[str(c.get(sp, 0)) for sp in splits], str(sum(c.values())))
    t.add_row("[b]all[/b]", *[str(s["splits"].get(sp, 0)) for sp in splits], str(s["records"]))
    con.print(t)
    con.print(f"variants {s['variants']}, phrasing templates {s['phrasings']}, distinct prompts {s['distinct_prompts']}, "
              f"distinct shaders {s['distinct_code']}; sources {s['sources']}")
    for key in ("prompt_tokens", "code_tokens"):
        con.print(f"{key.replace('_', ' ')} ({s['tokenizer']}): {s[key]}")
    _ascii_hist(con, "prompt tokens", s["_lengths"][0])
    if args.plot:
        plot(s, args.plot)
        con.print(f"wrote {args.plot}")
    return 0


def _ascii_hist(con, title: str, values) -> None:
    import numpy as np

    if not len(values):
        return
    counts, edges = np.histogram(values, bins=10)
    top = counts.max() or 1
    con.print(title + ":")
    for n, lo, hi in zip(counts, edges[:-1], edges[1:]):
        con.print(f"  {lo:6.0f}-{hi:<6.0f} {'#' * int(40 * n / top)} {n}")


def _check(args) -> int:
    from rich.console import Console
    from rich.progress import Progress

    from ..dataset.check import check_files

    for f in args.files:
        if not Path(f).is_file():
            raise UserError(f"{f}: no such file")
    con = Console(stderr=True)
    with Progress(console=con, transient=True) as prog:
        holder = {}

        def on_total(n):
            holder["t"] = prog.add_task("running shaders", total=n)

        def on_done(k):
            prog.advance(holder["t"], k)

        n, problems = check_files(args.files, workers=args.workers, execute=not args.no_exec,
                                  on_total=on_total, on_done=on_done)
    for p in problems:
        print(str(p))
    bad = len({(p.file, p.record) for p in problems})
    con.print(f"{n} records checked, {bad} with problems")
    return 1 if problems else 0
