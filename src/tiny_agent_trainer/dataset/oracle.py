"""NumPy oracles for the hand-written task files (curated training pairs and paraphrase benchmark).

Each task in `config/wgsl_training_data.toml` and `benchmarks/paraphrases.toml` carries an extra
key `oracle`: a small NumPy snippet that computes the expected contents of the task's read_write
buffers from its inputs. This module

- parses the `@group(0) @binding(N) var<...> NAME: TYPE;` declarations and the uniform struct of a
  task's reference shader (`parse_bindings`, `parse_struct_fields`);
- runs the snippet (`run_oracle`) in a namespace holding `np`, every storage buffer under its WGSL
  variable name (a copy, shaped `(count, N)` for `vecN` element types, flat otherwise; read_write
  buffers hold their initial fill, so in-place and atomic tasks can update them), and every uniform
  field under its struct field name as a NumPy scalar of the field's type (`np.float32`,
  `np.uint32`, `np.int32`). The snippet assigns the output buffers by name; they are returned
  flattened, cast to the buffer's scalar type, keyed by binding;
- checks a task end to end (`check_task`): the reference must compile (naga), run on the given
  runtime, and match the oracle on every seed under the benchmark tolerance rule
  (`|got - want| <= atol + rtol * |want|`, NaN/inf positions equal; integers exact).

It does NOT sandbox the snippets (they come from the project's own reviewed data files, never from
users or models), does NOT generate tasks (the synthetic generator has its own oracles), and does
NOT judge model candidates (that is `evaluation`, which compares against the reference shader).
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..spec import SCALARS, BufferSpec, Task

_BINDING_RE = re.compile(
    r"@group\(\s*0\s*\)\s*@binding\(\s*(\d+)\s*\)\s*var\s*(?:<\s*([^>]*)>)?\s*([A-Za-z_]\w*)\s*:\s*([^;]+);"
)
_STRUCT_RE = re.compile(r"struct\s+([A-Za-z_]\w*)\s*\{([^}]*)\}")
_FIELD_RE = re.compile(r"([A-Za-z_]\w*)\s*:\s*([A-Za-z0-9_<>]+)")


class OracleError(RuntimeError):
    """The oracle snippet failed, or does not fit the task's buffers."""


def parse_bindings(source: str) -> dict[int, tuple[str, str, str]]:
    """`{binding: (address_space_and_access, name, type)}` for every group-0 resource of a shader.

    The access part is normalised without spaces, e.g. `"storage,read"`, `"storage,read_write"`,
    `"uniform"`; the type keeps its text without spaces, e.g. `"array<vec4<f32>>"`, `"Params"`.
    """
    out: dict[int, tuple[str, str, str]] = {}
    for m in _BINDING_RE.finditer(source):
        b = int(m.group(1))
        if b in out:
            raise OracleError(f"binding {b} declared twice")
        out[b] = ((m.group(2) or "").replace(" ", ""), m.group(3), m.group(4).replace(" ", ""))
    return out


def parse_struct_fields(source: str, name: str) -> list[tuple[str, str]]:
    """Fields `(name, type)` of `struct name { ... }` in declaration order."""
    for m in _STRUCT_RE.finditer(source):
        if m.group(1) == name:
            return _FIELD_RE.findall(m.group(2))
    raise OracleError(f"struct {name} not found in the reference")


def _namespace(task: Task, inputs: dict[int, np.ndarray]) -> tuple[dict[str, Any], dict[int, str]]:
    decl = parse_bindings(task.reference)
    ns: dict[str, Any] = {"np": np}
    outputs: dict[int, str] = {}
    for b in task.buffers:
        if b.binding not in decl:
            raise OracleError(f"binding {b.binding} is not declared in the reference")
        _, name, typ = decl[b.binding]
        data = np.asarray(inputs[b.binding])
        if b.access == "uniform":
            fields = parse_struct_fields(task.reference, typ)
            if [t for _, t in fields] != list(b.scalars):
                raise OracleError(f"uniform struct {typ} fields {fields} do not match scalars {list(b.scalars)}")
            raw = data.astype(np.uint8).tobytes()
            for k, (fname, ftype) in enumerate(fields):
                ns[fname] = np.frombuffer(raw[4 * k:4 * k + 4], SCALARS[ftype])[0]
            continue
        arr = data.astype(SCALARS[b.scalar]).copy()
        if b.width > 1:
            arr = arr.reshape(b.count, b.width)
        ns[name] = arr
        if b.access == "read_write":
            outputs[b.binding] = name
    return ns, outputs


def run_oracle(task: Task, inputs: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
    """Expected read_write buffers `{binding: flat array}` computed by the task's `oracle` snippet."""
    code = task.extra.get("oracle")
    if not isinstance(code, str) or not code.strip():
        raise OracleError(f"task {task.id}: no 'oracle' snippet")
    ns, outputs = _namespace(task, inputs)
    try:
        with np.errstate(all="ignore"):
            exec(compile(code, f"<oracle {task.id}>", "exec"), ns)  # noqa: S102 - trusted project data
    except Exception as e:  # noqa: BLE001 - reported with the task id
        raise OracleError(f"task {task.id}: oracle raised {type(e).__name__}: {e}") from None
    result: dict[int, np.ndarray] = {}
    bufs = {b.binding: b for b in task.buffers}
    for binding, name in outputs.items():
        b: BufferSpec = bufs[binding]
        want = np.asarray(ns[name])
        dtype = SCALARS[b.scalar]
        if want.size != b.count * b.width:
            raise OracleError(f"task {task.id}: oracle output {name} has {want.size} values, "
                              f"buffer holds {b.count * b.width}")
        with np.errstate(all="ignore"):
            result[binding] = want.astype(dtype).reshape(-1) if np.issubdtype(dtype, np.floating) \
                else np.asarray(want, dtype=np.int64).astype(dtype).reshape(-1)
    return result


def compare(got: np.ndarray, want: np.ndarray, is_float: bool, rtol: float, atol: float) -> str | None:
    """None when `got` matches `want` under the benchmark rule, else a short description."""
    got = np.asarray(got).reshape(-1)
    want = np.asarray(want).reshape(-1)
    if got.shape != want.shape:
        return f"size {got.size} != expected {want.size}"
    if not is_float:
        bad = np.flatnonzero(got != want)
        if bad.size:
            j = bad[0]
            return f"{bad.size} integer mismatches (first at {j}: got {got[j]}, want {want[j]})"
        return None
    g = got.astype(np.float64)
    w = want.astype(np.float64)
    gn, wn = np.isnan(g), np.isnan(w)
    gi, wi = np.isinf(g), np.isinf(w)
    ok = (gn & wn) | (gi & wi & (g == w))
    fin = ~(gn | wn | gi | wi)
    with np.errstate(all="ignore"):
        err = np.abs(g - w)
        ok |= fin & (err <= atol + rtol * np.abs(w))
    if ok.all():
        return None
    bad = np.flatnonzero(~ok)
    j = bad[0]
    max_err = float(np.nanmax(np.where(fin, err, np.inf)[bad])) if bad.size else 0.0
    return f"{bad.size} mismatches, max abs error {max_err:.3g} (first at {j}: got {g[j]!r}, want {w[j]!r})"


def check_task(task: Task, runtime, seeds: tuple[int, ...] = (0, 1, 2)) -> list[str]:
    """Problems found running `task.reference` on `runtime` against the oracle; empty when all good."""
    from ..gpu import InterfaceError, ShaderError

    problems: list[str] = []
    try:
        runtime.compile(task.reference)
    except ShaderError as e:
        return [f"{task.id}: naga error: {e}"]
    bufs = {b.binding: b for b in task.buffers}
    for seed in seeds:
        inputs = task.make_inputs(seed)
        try:
            got = runtime.run(task.reference, task.buffers, inputs, task.threads)
        except ShaderError as e:
            return problems + [f"{task.id}: naga error: {e}"]
        except InterfaceError as e:
            return problems + [f"{task.id}: interface error: {e}"]
        except Exception as e:  # noqa: BLE001
            return problems + [f"{task.id}: run error: {type(e).__name__}: {e}"]
        try:
            want = run_oracle(task, task.make_inputs(seed))
        except OracleError as e:
            return problems + [str(e)]
        for binding, w in want.items():
            b = bufs[binding]
            msg = compare(got[binding], w, b.is_float, task.rtol, task.atol)
            if msg:
                problems.append(f"{task.id}: seed {seed}, binding {binding}: {msg}")
    return problems
