"""Validate WGSL with naga (through wgpu-py) and report compiler-style diagnostics.

`validate(src, deep=False)` compiles the shader on the process-wide runtime (`gpu.get_runtime()`:
one device, created once) and turns naga's codespan-style message into `Diagnostic`s with line,
column, a one-line message and the rendered text. `deep=True` also builds a compute pipeline
(layout "auto", entry point `main`), which catches a missing entry point or a workgroup size over
the device limits. `validate_many(sources)` does the same in a worker subprocess (multiprocessing,
spawn) that is restarted when naga takes it down (panics abort the process; see wgpu-py issues
#171, #603): that shader gets a "validator crashed" diagnostic and the rest continue.

This module does NOT run shaders, check bindings against a task (see `evaluation`) or sandbox
hangs beyond a per-shader timeout in `validate_many`.
"""
from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import os
import re
import sys
import threading
import types
from dataclasses import asdict, dataclass, field
from typing import Iterable

from .gpu import ShaderError, find_workgroup_size, get_runtime
from .wgsl.lexer import significant, tokenize

_SPAN_RE = re.compile(r"┌─\s*[^\n]*?:(\d+):(\d+)")
_HEAD_RE = re.compile(r"^Shader\s+'[^']*'\s+parsing error:\s*|^Shader validation error:\s*|^error:\s*")


@dataclass
class Diagnostic:
    line: int | None
    column: int | None
    message: str
    rendered: str = ""
    stage: str = "shader"  # shader | pipeline | crash | timeout

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ValidationResult:
    ok: bool
    diagnostics: list[Diagnostic] = field(default_factory=list)
    entry_point: str | None = None
    workgroup_size: tuple[int, int, int] | None = None

    def to_dict(self) -> dict:
        return {"ok": self.ok, "diagnostics": [d.to_dict() for d in self.diagnostics],
                "entry_point": self.entry_point,
                "workgroup_size": list(self.workgroup_size) if self.workgroup_size else None}


class _Mute(logging.Filter):
    """Drops `wgpu` log records while validation runs (naga also logs the error it raises)."""

    def __init__(self) -> None:
        super().__init__()
        self.local = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(self.local, "on", False)


_mute: _Mute | None = None


@contextlib.contextmanager
def _quiet_wgpu():
    global _mute
    if _mute is None:
        try:
            import wgpu  # noqa: F401 - wgpu installs its own logger class; create it before touching it
        except ImportError:  # pragma: no cover
            pass
        _mute = _Mute()
        logging.getLogger("wgpu").addFilter(_mute)
    _mute.local.on = True
    try:
        yield
    finally:
        _mute.local.on = False


def parse_naga_error(text: str, stage: str = "shader") -> Diagnostic:
    """Diagnostic from a wgpu/naga error message (line/column from the `┌─ :8:14` marker)."""
    lines = text.replace("\r\n", "\n").split("\n")
    start = next((i for i, ln in enumerate(lines) if _HEAD_RE.match(ln.strip())), None)
    if start is None:
        body = [ln.strip() for ln in lines if ln.strip()]
        skip = ("Validation Error", "Caused by:", "In wgpuDevice")
        msgs = [ln for ln in body if not ln.startswith(skip)]
        message = msgs[-1] if msgs else (body[-1] if body else "unknown error")
        return Diagnostic(None, None, message, "error: " + message, stage)
    rendered = "\n".join(lines[start:]).split("\n\n\n")[0].rstrip()
    head = lines[start].strip()
    message = _HEAD_RE.sub("", head)
    notes = [ln.strip()[2:].strip() for ln in lines[start:] if ln.strip().startswith("= ")]
    if notes:
        message = f"{message}: {notes[0]}"
    m = _SPAN_RE.search(rendered)
    line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
    rendered = "error: " + _HEAD_RE.sub("", rendered, count=1)
    return Diagnostic(line, col, message, rendered, stage)


_ENTRY_RE = re.compile(r"@\s*compute\b[^{;]*?\bfn\s+(\w+)")


def find_entry_point(source: str) -> str | None:
    """Name of the first `@compute` function (comments ignored)."""
    m = _ENTRY_RE.search(_strip_comments(source))
    return m.group(1) if m else None


_COMMENT_RE = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)


def _strip_comments(src: str) -> str:
    """Cheap comment removal for the entry-point search (nested block comments are rare)."""
    return _COMMENT_RE.sub(" ", src) if ("//" in src or "/*" in src) else src


def _line_of_attr(source: str, name: str) -> int | None:
    toks = significant(tokenize(source))
    for i, t in enumerate(toks):
        if t.text == name and i and toks[i - 1].text == "@":
            return source.count("\n", 0, toks[i - 1].start) + 1
    return None


def validate(source: str, deep: bool = False) -> ValidationResult:
    """Compile `source` with naga; with `deep`, also build the `main` compute pipeline."""
    rt = get_runtime()
    entry = find_entry_point(source)
    try:
        wg = find_workgroup_size(source)
    except Exception:  # a malformed attribute is naga's to report
        wg = None
    diags: list[Diagnostic] = []
    with _quiet_wgpu():
        try:
            module = rt.compile(source)
        except ShaderError as e:
            diags.append(parse_naga_error(str(e), "shader"))
            return ValidationResult(False, diags, entry, wg)
        if deep:
            d = _pipeline_check(rt, module, source)
            if d is not None:
                diags.append(d)
    return ValidationResult(not diags, diags, entry, wg)


def _pipeline_check(rt, module, source: str) -> Diagnostic | None:
    device = getattr(rt, "device", None)
    if device is None or not hasattr(device, "create_compute_pipeline"):
        return None  # a fake runtime: nothing deeper to check
    import wgpu

    lock = getattr(rt, "_lock", None) or contextlib.nullcontext()
    with lock:
        try:
            device.create_compute_pipeline(layout=wgpu.enums.AutoLayoutMode.auto,
                                           compute={"module": module, "entry_point": "main"})
        except wgpu.GPUError as e:
            d = parse_naga_error(str(getattr(e, "message", e)), "pipeline")
            if "workgroup size" in d.message.lower():
                d.line = _line_of_attr(source, "workgroup_size")
                d.column = 1 if d.line else None
            elif "entry point" in d.message.lower():
                d.message = "no compute entry point named `main`: " + d.message
            return d
    return None


# ---------------------------------------------------------------- bulk validation in a worker process

def _worker_main(conn) -> None:  # runs in the child process
    while True:
        try:
            job = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if job is None:
            return
        deep, sources, group, crash_marker = job
        done: list[ValidationResult] = []
        for src in sources:
            if crash_marker and crash_marker in src:
                os._exit(70)
            try:
                res = validate(src, deep)
            except Exception as e:  # noqa: BLE001 - report, keep serving
                res = ValidationResult(False, [Diagnostic(None, None, f"validator error: {e}", stage="crash")],
                                       None, None)
            done.append(res)
            if len(done) >= group:
                conn.send(done)
                done = []
        if done:
            conn.send(done)


class _Worker:
    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child,), daemon=True, name="wgsl-validator")
        # Spawn re-runs the parent's main script in the child unless it is guarded by
        # `if __name__ == "__main__"`; the worker needs nothing from it, so hide it during start.
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            self.proc.start()
        finally:
            if main is not None:
                sys.modules["__main__"] = main
        child.close()

    def alive(self) -> bool:
        return self.proc.is_alive()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.send(None)
        self.proc.join(1.0)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(1.0)
        self.conn.close()


_worker: _Worker | None = None
_worker_lock = threading.Lock()


def _shutdown() -> None:
    global _worker
    if _worker is not None:
        _worker.close()
        _worker = None


atexit.register(_shutdown)


def _failed(kind: str, message: str, source: str) -> ValidationResult:
    entry = find_entry_point(source)
    return ValidationResult(False, [Diagnostic(None, None, message, "error: " + message, kind)], entry, None)


def validate_many(sources: Iterable[str], deep: bool = False, *, timeout: float = 60.0,
                  isolate: bool = True, chunk: int = 512, group: int = 32) -> list[ValidationResult]:
    """Validate many shaders; with `isolate` (default) in a restartable worker subprocess.

    The worker answers in groups of `group` results. When it dies (or gives no answer for
    `timeout` seconds) the unanswered group is replayed one shader at a time, so that exactly the
    shader that kills it gets a `crash` (or `timeout`) diagnostic; the others continue.
    """
    global _worker
    sources = list(sources)
    if not isolate:
        return [validate(s, deep) for s in sources]
    results: list[ValidationResult] = []
    pos, careful_until = 0, 0
    # test hook for the restart path: a source containing this marker kills the worker
    crash_marker = os.environ.get("TINY_AGENT_VALIDATOR_CRASH_MARKER") or None
    with _worker_lock:
        while pos < len(sources):
            fresh = False
            if _worker is None or not _worker.alive():
                if _worker is not None:
                    _worker.close()
                _worker, fresh = _Worker(), True
            careful = pos < careful_until
            g = 1 if careful else group
            batch = sources[pos:careful_until if careful else pos + chunk]
            _worker.conn.send((deep, batch, g, crash_marker))
            got = 0
            while got < len(batch):
                # the first answer of a new worker also waits for its start and its device
                wait = timeout + (60.0 if fresh else 0.0)
                fresh = False
                failure = None
                try:
                    if _worker.conn.poll(wait):
                        answer = _worker.conn.recv()
                        results.extend(answer)
                        got += len(answer)
                        pos += len(answer)
                        continue
                    failure = ("timeout", f"validator timed out after {timeout:g}s")
                except (EOFError, OSError, ConnectionError):
                    _worker.proc.join(2.0)
                    code = _worker.proc.exitcode
                    failure = ("crash", f"validator crashed (worker exit code {code})")
                _worker.proc.kill()
                _worker.close()
                _worker = None
                if g == 1:
                    results.append(_failed(*failure, sources[pos]))
                    pos += 1
                else:
                    careful_until = min(len(sources), pos + g)
                break
    return results
