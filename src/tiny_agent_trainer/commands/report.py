"""`tiny-agent-trainer report RUN`: plot a run's loss/lr/eval curves to PNG. Plotting lives in training/report.py."""
from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="plot a training run's curves to PNG")
    p.add_argument("run", help="run name, run directory or journal file")
    p.add_argument("--journals", default="journals", help="journal directory (default: %(default)s)")
    p.add_argument("--out", help="PNG path (default: <journal>.png)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..training.report import find_journal, plot_run

    j = find_journal(args.run, args.journals)
    info = plot_run(j, Path(args.out) if args.out else j.with_suffix(".png"))
    print(json.dumps(info, indent=2) if args.json else f"wrote {info['png']} ({info['steps']} steps, last loss {info['last_loss']})")
    return 0
