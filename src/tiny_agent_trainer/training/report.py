"""Plots of a training run from its journal: loss, learning rate and eval curves to one PNG.

This module does NOT train or evaluate; it only reads a journal JSONL file.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import UserError
from .journal import read_journal


def find_journal(run: str | Path, journal_dir: str | Path = "journals") -> Path:
    p = Path(run)
    for cand in (p, p / "journal.jsonl", Path(journal_dir) / f"{p.name}.jsonl", Path(journal_dir) / f"{p}.jsonl"):
        if cand.is_file():
            return cand
    raise UserError(f"no journal for run '{run}' (looked for {p}, {Path(journal_dir) / (p.name + '.jsonl')})")


def plot_run(journal: Path, out_png: Path) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    recs = read_journal(journal)
    train = [r for r in recs if r.get("event") == "train"]
    evals = [r for r in recs if r.get("event") == "eval"]
    if not train:
        raise UserError(f"{journal}: no training steps logged yet")
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    axes[0].plot([r["step"] for r in train], [r["loss"] for r in train], label="train")
    ev = [r for r in evals if "val_loss" in r]
    if ev:
        axes[0].plot([r["step"] for r in ev], [r["val_loss"] for r in ev], "o-", label="val")
    axes[0].set(title="loss (per token)", xlabel="step", yscale="log")
    axes[0].legend()
    axes[1].plot([r["step"] for r in train], [r["lr"] for r in train])
    axes[1].set(title="learning rate", xlabel="step")
    ex = [r for r in evals if "exec_pass" in r]
    if ex:
        axes[2].plot([r["step"] for r in ex], [r["exec_pass"] for r in ex], "o-", label="exec pass")
        axes[2].plot([r["step"] for r in ex], [r.get("exec_valid", 0) for r in ex], "s--", label="valid")
        axes[2].legend()
    axes[2].set(title="execution eval", xlabel="step", ylim=(0, 1.05))
    fig.suptitle(journal.stem)
    fig.tight_layout()
    out_png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_png, dpi=100)
    plt.close(fig)
    return {"journal": str(journal), "png": str(out_png), "steps": train[-1]["step"], "last_loss": train[-1]["loss"],
            "best_val_loss": min((r["val_loss"] for r in ev), default=None)}
