"""`tiny-agent-trainer check`: what this machine offers (Python, torch, CUDA, wgpu adapters, extras).

Reports the Python and torch versions, CUDA devices, every wgpu adapter (backend and type; the CPU
software adapter counts: shaders are validated and run on it) and which optional parts are
installed. Exit 0 when a wgpu adapter exists, 1 otherwise. `--json` for machines.
This module does NOT install anything.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import sys

OPTIONAL = {"onnx": "export", "onnxruntime": "export", "fastapi": "serve", "uvicorn": "serve",
            "tensorboard": "logging", "transformers": "dev"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="report Python, torch, CUDA, wgpu adapters and optional parts",
                       description="Check the environment: versions, GPUs, wgpu adapters, optional dependencies.")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def _version(name: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def collect() -> dict:
    from .. import __version__

    info: dict = {"tiny_agent_trainer": __version__, "python": platform.python_version(),
                  "executable": sys.executable, "platform": platform.platform()}
    try:
        import torch

        cuda = torch.cuda.is_available()
        info["torch"] = {"version": torch.__version__, "cuda_available": cuda,
                         "cuda_version": torch.version.cuda,
                         "devices": [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
                         if cuda else []}
    except Exception as e:  # noqa: BLE001 - report, don't fail
        info["torch"] = {"error": f"{type(e).__name__}: {e}"}
    try:
        import wgpu

        adapters = []
        for a in wgpu.gpu.enumerate_adapters_sync():
            ai = dict(a.info)
            adapters.append({"device": ai.get("device"), "description": ai.get("description"),
                             "backend": ai.get("backend_type"), "type": ai.get("adapter_type"),
                             "vendor": ai.get("vendor")})
        info["wgpu"] = {"version": _version("wgpu"), "adapters": adapters}
    except Exception as e:  # noqa: BLE001
        info["wgpu"] = {"version": _version("wgpu"), "adapters": [], "error": f"{type(e).__name__}: {e}"}
    info["optional"] = {name: {"installed": importlib.util.find_spec(name) is not None,
                               "version": _version(name), "for": extra} for name, extra in OPTIONAL.items()}
    return info


def run(args) -> int:
    info = collect()
    ok = bool(info["wgpu"]["adapters"])
    if args.json:
        print(json.dumps(info, indent=2))
        return 0 if ok else 1
    print(f"tiny-agent-trainer {info['tiny_agent_trainer']}  (Python {info['python']}, {info['platform']})")
    t = info["torch"]
    if "error" in t:
        print(f"torch: NOT USABLE ({t['error']})")
    else:
        gpus = ", ".join(t["devices"]) if t["devices"] else "none (CPU training)"
        print(f"torch {t['version']}: CUDA devices: {gpus}")
    w = info["wgpu"]
    print(f"wgpu {w['version']}: {len(w['adapters'])} adapter(s)" + (f" [{w['error']}]" if "error" in w else ""))
    for a in w["adapters"]:
        print(f"  - {a['device']} ({a['backend']}, {a['type']}) {a['description'] or ''}".rstrip())
    if not ok:
        print("  no adapter: install a GPU driver or Mesa (apt-get install mesa-vulkan-drivers libgl1-mesa-dri)")
    print("optional parts:")
    for name, o in info["optional"].items():
        state = f"installed {o['version'] or ''}".rstrip() if o["installed"] else f"missing (pip install '.[{o['for']}]')"
        print(f"  {name:<13} {state}")
    return 0 if ok else 1
