"""The run journal: one JSONL file per run with provenance (config hash, git commit, versions)
and every logged metric; mirrored to TensorBoard when it is installed.

This module does NOT plot (see `training/report.py`) and does NOT decide what to log.
"""
from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import time
from pathlib import Path
from typing import Any, Callable


def git_commit(cwd: Path | None = None) -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], capture_output=True, text=True,
                             timeout=5, cwd=cwd)
        sha = out.stdout.strip()
        return sha if out.returncode == 0 and len(sha) == 40 else None
    except (OSError, subprocess.SubprocessError):
        return None


def versions() -> dict[str, str]:
    import numpy
    import torch

    v = {"python": platform.python_version(), "torch": torch.__version__, "numpy": numpy.__version__}
    try:
        import tokenizers

        v["tokenizers"] = tokenizers.__version__
    except ImportError:
        pass
    from .. import __version__

    v["tiny_agent_trainer"] = __version__
    return v


def config_hash(config_toml: str) -> str:
    return hashlib.sha256(config_toml.encode()).hexdigest()[:16]


class Journal:
    """Append-only JSONL log; each line is flushed so a crash loses at most the line being written."""

    def __init__(self, path: str | Path, enabled: bool = True, clock: Callable[[], float] = time.time,
                 tensorboard_dir: str | Path | None = None):
        self.path = Path(path)
        self.enabled, self.clock = enabled, clock
        self._f = None
        self._tb = None
        if enabled:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._f = open(self.path, "a", encoding="utf-8")
            if tensorboard_dir is not None:
                try:
                    from torch.utils.tensorboard import SummaryWriter

                    self._tb = SummaryWriter(str(tensorboard_dir))
                except ImportError:
                    self._tb = None

    def log(self, event: str, **fields: Any) -> None:
        if not self.enabled or self._f is None:
            return
        rec = {"event": event, "time": round(self.clock(), 3), **fields}
        self._f.write(json.dumps(rec, default=str) + "\n")
        self._f.flush()
        if self._tb is not None and "step" in fields:
            for k, v in fields.items():
                if k != "step" and isinstance(v, (int, float)) and not isinstance(v, bool):
                    self._tb.add_scalar(f"{event}/{k}", v, fields["step"])

    def close(self) -> None:
        if self._f is not None:
            self._f.close()
            self._f = None
        if self._tb is not None:
            self._tb.close()


def read_journal(path: str | Path) -> list[dict]:
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut by a crash
    return out
