"""Verdict names and the output comparison rule of the kernel conventions.

`compare_outputs(task, got, want)` decides whether the read_write buffers of a candidate match the
reference's for one trial: floats with `|got - want| <= atol + rtol * |want|` and NaN/inf at the same
positions (same sign for inf), integers exactly. It does NOT run shaders (see `sandbox`) and does NOT
aggregate trials or samples (see `judge` / `runner`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..spec import Task

PASS = "pass"
WRONG = "wrong"
INVALID = "invalid"
INTERFACE = "interface"
TIMEOUT = "timeout"
CRASH = "crash"
MISSING = "missing"

#: Every verdict, best first (report order).
VERDICTS = (PASS, WRONG, INTERFACE, INVALID, TIMEOUT, CRASH, MISSING)
#: Verdicts of samples that passed naga validation (the numerator of `valid_rate`).
VALID_VERDICTS = (PASS, WRONG, INTERFACE, TIMEOUT, CRASH)


@dataclass
class Comparison:
    ok: bool
    max_abs_err: float | None  # over positions finite in both; None when no such position compared
    message: str = ""  # first mismatch, human readable; "" when ok


def compare_buffer(got: np.ndarray, want: np.ndarray, is_float: bool, rtol: float, atol: float) -> Comparison:
    """Compare one flat buffer. Integers must be equal; floats within tolerance, non-finite positions equal."""
    if got.shape != want.shape:
        return Comparison(False, None, f"size {got.size} != {want.size}")
    if not is_float:
        diff = got != want
        err = float(np.max(np.abs(got.astype(np.int64) - want.astype(np.int64)))) if got.size else 0.0
        if diff.any():
            j = int(np.argmax(diff))
            return Comparison(False, err, f"element {j}: got {got[j].item()}, want {want[j].item()} ({int(diff.sum())} differ)")
        return Comparison(True, err)
    g = got.astype(np.float64)
    w = want.astype(np.float64)
    gf, wf = np.isfinite(g), np.isfinite(w)
    both = gf & wf
    err = float(np.max(np.abs(g[both] - w[both]))) if both.any() else None
    # Non-finite positions must agree exactly: NaN where NaN, +inf where +inf, -inf where -inf.
    bad = (gf != wf) | (~gf & ~wf & ~((np.isnan(g) & np.isnan(w)) | (g == w)))
    with np.errstate(invalid="ignore"):
        bad |= both & ~(np.abs(g - w) <= atol + rtol * np.abs(w))
    if bad.any():
        j = int(np.argmax(bad))
        return Comparison(False, err, f"element {j}: got {got[j].item()!r}, want {want[j].item()!r} ({int(bad.sum())} differ)")
    return Comparison(True, err)


def compare_outputs(task: Task, got: dict[int, np.ndarray], want: dict[int, np.ndarray]) -> Comparison:
    """Compare every read_write buffer of `task`; the message names the first differing binding."""
    worst: float | None = None
    for b in task.outputs:
        if b.binding not in got:
            return Comparison(False, worst, f"binding {b.binding}: no output")
        c = compare_buffer(np.asarray(got[b.binding]), np.asarray(want[b.binding]), b.is_float, task.rtol, task.atol)
        if c.max_abs_err is not None:
            worst = c.max_abs_err if worst is None else max(worst, c.max_abs_err)
        if not c.ok:
            return Comparison(False, worst, f"binding {b.binding} {c.message}")
    return Comparison(True, worst)


def json_float(x: float | None) -> float | None:
    """A float that JSON can hold (None for NaN/inf/None)."""
    if x is None or not math.isfinite(x):
        return None
    return float(x)
