"""Task and buffer specifications: the benchmark file format of the kernel conventions.

This module parses and checks `[[task]]` tables (from benchmark TOML files or dataset
records), and turns a buffer spec plus a seed into concrete NumPy input arrays.
It does NOT touch the GPU (see `gpu.py`) and does NOT judge results (see `evaluation`).
"""
from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ACCESS_KINDS = ("read", "read_write", "uniform")
SCALARS = {"f32": np.float32, "u32": np.uint32, "i32": np.int32}
_TYPE_RE = re.compile(
    r"^array<\s*(?:(?P<atomic>atomic)<\s*(?P<at>u32|i32)\s*>|vec(?P<n>[234])<\s*(?P<vt>f32|u32|i32)\s*>|(?P<st>f32|u32|i32))\s*>$"
)
_FILL_RE = re.compile(r"^(zeros|iota|const\(([^)]*)\)|uniform\(([^,]*),([^)]*)\)|randint\(([^,]*),([^)]*)\))$")
_ID_RE = re.compile(r"^[a-z0-9_]+$")


class SpecError(ValueError):
    """A task or buffer spec is malformed. The message names the task and the field."""


@dataclass(frozen=True)
class BufferSpec:
    binding: int
    access: str  # read | read_write | uniform
    type: str = ""  # array<...> for storage buffers
    count: int = 0
    fill: str = "zeros"
    scalars: tuple[str, ...] = ()  # uniform only
    values: tuple[float, ...] = ()  # uniform only

    @property
    def scalar(self) -> str:
        """Scalar element type name (f32/u32/i32) of a storage buffer."""
        m = _TYPE_RE.match(self.type)
        assert m, self.type
        return m.group("at") or m.group("vt") or m.group("st")

    @property
    def width(self) -> int:
        """Scalars per element (vecN -> N)."""
        m = _TYPE_RE.match(self.type)
        assert m, self.type
        return int(m.group("n") or 1)

    @property
    def is_float(self) -> bool:
        return self.access != "uniform" and self.scalar == "f32"

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"binding": self.binding, "access": self.access}
        if self.access == "uniform":
            d["scalars"] = list(self.scalars)
            d["values"] = list(self.values)
        else:
            d.update(type=self.type, count=self.count, fill=self.fill)
        return d

    def make_array(self, rng: np.random.Generator) -> np.ndarray:
        """Concrete contents of this buffer for one trial (flat array of scalars)."""
        if self.access == "uniform":
            return pack_uniform(self.scalars, self.values)
        dtype = SCALARS[self.scalar]
        n = self.count * self.width
        kind, args = parse_fill(self.fill)
        if kind == "zeros":
            return np.zeros(n, dtype)
        if kind == "iota":
            return np.arange(n).astype(dtype)
        if kind == "const":
            return np.full(n, args[0]).astype(dtype)
        lo, hi = args
        if kind == "uniform":
            return rng.uniform(lo, hi, n).astype(dtype)
        return rng.integers(int(lo), int(hi), n, endpoint=True).astype(dtype)


@dataclass(frozen=True)
class Task:
    id: str
    category: str
    prompt: str
    threads: tuple[int, ...]
    reference: str
    buffers: tuple[BufferSpec, ...]
    rtol: float = 1e-4
    atol: float = 1e-5
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def outputs(self) -> list[BufferSpec]:
        return [b for b in self.buffers if b.access == "read_write"]

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id, "category": self.category, "prompt": self.prompt,
            "threads": list(self.threads), "rtol": self.rtol, "atol": self.atol,
            "reference": self.reference, "buffers": [b.to_dict() for b in self.buffers],
        }
        d.update(self.extra)
        return d

    def make_inputs(self, seed: int) -> dict[int, np.ndarray]:
        """Buffer contents for one trial; the same seed gives the same arrays."""
        rng = np.random.default_rng(seed)
        return {b.binding: b.make_array(rng) for b in sorted(self.buffers, key=lambda b: b.binding)}


def parse_fill(fill: str) -> tuple[str, tuple[float, ...]]:
    m = _FILL_RE.match(fill.replace(" ", ""))
    if not m:
        raise ValueError(f"unknown fill {fill!r} (expected zeros | const(v) | iota | uniform(lo,hi) | randint(lo,hi))")
    if m.group(2) is not None:
        return "const", (float(m.group(2)),)
    if m.group(3) is not None:
        return "uniform", (float(m.group(3)), float(m.group(4)))
    if m.group(5) is not None:
        return "randint", (float(m.group(5)), float(m.group(6)))
    return m.group(1), ()


def pack_uniform(scalars: tuple[str, ...] | list[str], values: tuple[float, ...] | list[float]) -> np.ndarray:
    """Pack uniform fields as 4-byte scalars, padded to a multiple of 16 bytes; returns uint8 bytes."""
    raw = b"".join(np.array([v], SCALARS[s]).tobytes() for s, v in zip(scalars, values))
    raw += b"\0" * (-len(raw) % 16 or (16 if not raw else 0))
    return np.frombuffer(raw, np.uint8).copy()


def _need(d: dict, key: str, typ: type | tuple, where: str) -> Any:
    if key not in d:
        raise SpecError(f"{where}: missing field '{key}'")
    v = d[key]
    if isinstance(v, bool) or not isinstance(v, typ):
        exp = typ.__name__ if isinstance(typ, type) else " or ".join(t.__name__ for t in typ)
        raise SpecError(f"{where}: field '{key}' must be {exp}, got {type(v).__name__} {v!r}")
    return v


def parse_buffer(d: dict, where: str) -> BufferSpec:
    if not isinstance(d, dict):
        raise SpecError(f"{where}: buffer must be a table")
    known = {"binding", "access", "type", "count", "fill", "scalars", "values"}
    unknown = set(d) - known
    if unknown:
        raise SpecError(f"{where}: unknown buffer field(s) {sorted(unknown)}")
    binding = _need(d, "binding", int, where)
    access = _need(d, "access", str, where)
    if access not in ACCESS_KINDS:
        raise SpecError(f"{where}: binding {binding}: access must be one of {ACCESS_KINDS}, got {access!r}")
    where = f"{where} (binding {binding})"
    if access == "uniform":
        scalars = _need(d, "scalars", list, where)
        values = _need(d, "values", list, where)
        if not scalars or any(s not in SCALARS for s in scalars):
            raise SpecError(f"{where}: 'scalars' must be a non-empty list of f32/u32/i32, got {scalars!r}")
        if len(values) != len(scalars):
            raise SpecError(f"{where}: {len(scalars)} scalars but {len(values)} values")
        for s, v in zip(scalars, values):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or (s != "f32" and float(v) != int(v)):
                raise SpecError(f"{where}: value {v!r} does not fit {s}")
            if s == "u32" and v < 0:
                raise SpecError(f"{where}: value {v!r} does not fit u32")
        return BufferSpec(binding, access, scalars=tuple(scalars), values=tuple(values))
    typ = _need(d, "type", str, where)
    if not _TYPE_RE.match(typ.replace(" ", "")):
        raise SpecError(f"{where}: unsupported type {typ!r} (array<f32|u32|i32>, array<vecN<...>>, array<atomic<u32|i32>>)")
    count = _need(d, "count", int, where)
    if count <= 0:
        raise SpecError(f"{where}: count must be positive, got {count}")
    fill = d.get("fill", "zeros")
    try:
        parse_fill(fill)
    except ValueError as e:
        raise SpecError(f"{where}: {e}") from None
    if access == "read" and "atomic" in typ:
        raise SpecError(f"{where}: atomic buffers must be read_write")
    return BufferSpec(binding, access, typ.replace(" ", ""), count, fill)


def parse_task(d: dict, where: str = "task") -> Task:
    if not isinstance(d, dict):
        raise SpecError(f"{where}: must be a table")
    tid = d.get("id")
    if isinstance(tid, str):
        where = f"{where} '{tid}'"
    tid = _need(d, "id", str, where)
    if not _ID_RE.match(tid):
        raise SpecError(f"{where}: id must match [a-z0-9_]+")
    threads = _need(d, "threads", list, where)
    if not 1 <= len(threads) <= 3 or any(isinstance(t, bool) or not isinstance(t, int) or t <= 0 for t in threads):
        raise SpecError(f"{where}: threads must be 1 to 3 positive integers, got {threads!r}")
    bufs = [parse_buffer(b, f"{where} buffer #{i}") for i, b in enumerate(_need(d, "buffers", list, where))]
    if not bufs:
        raise SpecError(f"{where}: no buffers")
    bindings = sorted(b.binding for b in bufs)
    if bindings != list(range(len(bufs))):
        raise SpecError(f"{where}: bindings must be 0..{len(bufs) - 1} without gaps or repeats, got {bindings}")
    if not any(b.access == "read_write" for b in bufs):
        raise SpecError(f"{where}: no read_write buffer, nothing to compare")
    if sum(b.access == "uniform" for b in bufs) > 1:
        raise SpecError(f"{where}: at most one uniform buffer")
    rtol = d.get("rtol", 1e-4)
    atol = d.get("atol", 1e-5)
    for k, v in (("rtol", rtol), ("atol", atol)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
            raise SpecError(f"{where}: {k} must be a non-negative number")
    known = {"id", "category", "prompt", "threads", "reference", "buffers", "rtol", "atol"}
    extra = {k: v for k, v in d.items() if k not in known}
    return Task(
        id=tid,
        category=_need(d, "category", str, where),
        prompt=_need(d, "prompt", str, where),
        threads=tuple(threads),
        reference=_need(d, "reference", str, where),
        buffers=tuple(sorted(bufs, key=lambda b: b.binding)),
        rtol=float(rtol), atol=float(atol), extra=extra,
    )


def load_bench(path: str | Path) -> list[Task]:
    """Read a benchmark TOML file; raises SpecError naming file and task on any problem."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"{path}: no such file") from None
    except UnicodeDecodeError as e:
        raise SpecError(f"{path}: not UTF-8 ({e.reason} at byte {e.start})") from None
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"{path}: TOML error: {e}") from None
    tasks = data.get("task")
    if not isinstance(tasks, list) or not tasks:
        raise SpecError(f"{path}: no [[task]] tables")
    out, seen = [], set()
    for i, t in enumerate(tasks):
        try:
            task = parse_task(t, f"task #{i}")
        except SpecError as e:
            raise SpecError(f"{path}: {e}") from None
        if task.id in seen:
            raise SpecError(f"{path}: task '{task.id}': duplicate id")
        seen.add(task.id)
        out.append(task)
    return out


def file_hash(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
