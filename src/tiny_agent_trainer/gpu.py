"""The GPU runtime behind one small interface: shader compilation (naga) and compute dispatch on wgpu.

`WgpuRuntime` owns one wgpu device (any adapter, the CPU software one included), created lazily
once per process and reused. `get_runtime()` returns the process-wide instance; tests may
install a fake with `set_runtime()`. This module does NOT sandbox anything (a shader that hangs
hangs the caller; see `evaluation.sandbox`) and does NOT decide pass/fail.
"""
from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .spec import BufferSpec, SCALARS


class ShaderError(Exception):
    """naga rejected the shader (parse or validation). `stage` is 'shader' or 'pipeline'."""

    def __init__(self, message: str, stage: str = "shader"):
        super().__init__(message)
        self.stage = stage


class InterfaceError(Exception):
    """The shader validates but does not fit the bindings / entry point / workgroup size."""


_CONST_RE = re.compile(r"\bconst\s+([A-Za-z_]\w*)\s*(?::\s*[a-z0-9]+\s*)?=\s*([0-9]+)[ui]?\s*;")
_WG_RE = re.compile(r"@\s*workgroup_size\s*\(([^)]*)\)")


def find_workgroup_size(source: str) -> tuple[int, int, int] | None:
    """The `@workgroup_size` of the shader: integer literals or module-scope integer consts."""
    m = _WG_RE.search(_strip_comments(source))
    if not m:
        return None
    consts = {k: int(v) for k, v in _CONST_RE.findall(source)}
    dims = []
    for part in m.group(1).split(","):
        part = part.strip()
        if not part:
            continue
        lit = re.fullmatch(r"([0-9]+)[ui]?", part)
        if lit:
            dims.append(int(lit.group(1)))
        elif part in consts:
            dims.append(consts[part])
        else:
            return None
    if not 1 <= len(dims) <= 3:
        return None
    return tuple(dims + [1] * (3 - len(dims)))  # type: ignore[return-value]


def _strip_comments(src: str) -> str:
    src = re.sub(r"//[^\n]*", "", src)
    return re.sub(r"/\*.*?\*/", "", src, flags=re.S)


def dispatch_counts(threads: tuple[int, ...], wg: tuple[int, int, int]) -> tuple[int, int, int]:
    t = list(threads) + [1] * (3 - len(threads))
    return tuple(math.ceil(t[i] / wg[i]) for i in range(3))  # type: ignore[return-value]


class Runtime(Protocol):
    """What the rest of the package needs from a GPU."""

    def compile(self, source: str) -> object: ...

    def run(self, source: str, buffers: tuple[BufferSpec, ...], inputs: dict[int, np.ndarray],
            threads: tuple[int, ...]) -> dict[int, np.ndarray]: ...

    def describe(self) -> dict: ...


@dataclass
class _Device:
    adapter: object
    device: object


class WgpuRuntime:
    """Real runtime on wgpu-native; the device is created on first use and reused."""

    def __init__(self, power_preference: str = "high-performance"):
        self._power = power_preference
        self._dev: _Device | None = None
        self._lock = threading.Lock()

    @property
    def device(self):
        if self._dev is None:
            import wgpu

            adapter = wgpu.gpu.request_adapter_sync(power_preference=self._power)
            if adapter is None:
                raise RuntimeError("wgpu found no adapter (install mesa-vulkan-drivers or a GPU driver)")
            self._dev = _Device(adapter, adapter.request_device_sync(required_limits={}))
        return self._dev.device

    def describe(self) -> dict:
        info = dict(self.device.adapter.info)
        return {k: info.get(k) for k in ("device", "description", "adapter_type", "backend_type", "vendor")}

    def compile(self, source: str):
        """Create a shader module; raise ShaderError with naga's rendered message."""
        import wgpu

        with self._lock:
            try:
                return self.device.create_shader_module(code=source)
            except wgpu.GPUError as e:
                raise ShaderError(str(e.message if hasattr(e, "message") else e)) from None

    def pipeline(self, module, buffers: tuple[BufferSpec, ...]):
        """Compute pipeline with the explicit bind-group layout of `buffers` (entry point `main`)."""
        import wgpu

        kinds = {"read": wgpu.BufferBindingType.read_only_storage,
                 "read_write": wgpu.BufferBindingType.storage,
                 "uniform": wgpu.BufferBindingType.uniform}
        entries = [{"binding": b.binding, "visibility": wgpu.ShaderStage.COMPUTE,
                    "buffer": {"type": kinds[b.access]}} for b in buffers]
        dev = self.device
        try:
            bgl = dev.create_bind_group_layout(entries=entries)
            layout = dev.create_pipeline_layout(bind_group_layouts=[bgl])
            pipe = dev.create_compute_pipeline(layout=layout, compute={"module": module, "entry_point": "main"})
        except wgpu.GPUError as e:
            raise InterfaceError(str(getattr(e, "message", e))) from None
        return pipe, bgl

    def run(self, source, buffers, inputs, threads):
        """Run `main` over `threads` invocations; return the read_write buffers (flat, typed)."""
        import wgpu

        wg = find_workgroup_size(source)
        if wg is None:
            raise InterfaceError("no readable @workgroup_size on the entry point")
        module = self.compile(source)
        with self._lock:
            pipe, bgl = self.pipeline(module, buffers)
            dev = self.device
            gpu_bufs, bind = {}, []
            for b in buffers:
                data = inputs[b.binding]
                if b.access == "uniform":
                    usage = wgpu.BufferUsage.UNIFORM | wgpu.BufferUsage.COPY_DST
                else:
                    usage = wgpu.BufferUsage.STORAGE | wgpu.BufferUsage.COPY_SRC | wgpu.BufferUsage.COPY_DST
                buf = dev.create_buffer_with_data(data=np.ascontiguousarray(data), usage=usage)
                gpu_bufs[b.binding] = buf
                bind.append({"binding": b.binding, "resource": {"buffer": buf, "offset": 0, "size": buf.size}})
            try:
                group = dev.create_bind_group(layout=bgl, entries=bind)
            except wgpu.GPUError as e:
                raise InterfaceError(str(getattr(e, "message", e))) from None
            enc = dev.create_command_encoder()
            cp = enc.begin_compute_pass()
            cp.set_pipeline(pipe)
            cp.set_bind_group(0, group)
            cp.dispatch_workgroups(*dispatch_counts(threads, wg))
            cp.end()
            try:
                cmd = enc.finish()
            except wgpu.GPUError as e:  # e.g. a buffer smaller than the shader's minimum binding size
                msg = str(getattr(e, "message", e))
                if "bind group" in msg or "binding" in msg:
                    raise InterfaceError(msg) from None
                raise
            dev.queue.submit([cmd])
            out = {}
            for b in buffers:
                if b.access == "read_write":
                    raw = dev.queue.read_buffer(gpu_bufs[b.binding])
                    out[b.binding] = np.frombuffer(raw, SCALARS[b.scalar]).copy()
            for buf in gpu_bufs.values():
                buf.destroy()
            return out


_runtime: Runtime | None = None


def get_runtime() -> Runtime:
    global _runtime
    if _runtime is None:
        _runtime = WgpuRuntime()
    return _runtime


def set_runtime(rt: Runtime | None) -> None:
    """Install another runtime (a fake in tests); None restores the real one on next use."""
    global _runtime
    _runtime = rt
