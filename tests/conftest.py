"""Shared pytest fixtures. Only `wgpu_runtime`; nothing else is registered globally."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def wgpu_runtime():
    """The real wgpu runtime (any adapter, the CPU software one included); skips without one."""
    try:
        import wgpu

        from tiny_agent_trainer.gpu import WgpuRuntime, get_runtime

        if not wgpu.gpu.enumerate_adapters_sync():
            pytest.skip("wgpu found no adapter")
        rt = get_runtime()
        if isinstance(rt, WgpuRuntime):
            rt.device  # noqa: B018 - create it now, so a failure skips instead of erroring later
    except Exception as e:  # noqa: BLE001
        pytest.skip(f"no usable wgpu adapter: {type(e).__name__}: {e}")
    return rt


def pytest_collection_modifyitems(config, items):
    """Tests marked `gpu` need CUDA; without it they are skipped (CI has no GPU)."""
    try:
        import torch

        has_cuda = torch.cuda.is_available()
    except ImportError:
        has_cuda = False
    if has_cuda:
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
