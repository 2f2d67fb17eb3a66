#!/usr/bin/env bash
# Idempotent CI setup: a Python 3.11 venv with the package and its extras, and a wgpu adapter.
# Creates .venv only when missing; installs Mesa (Vulkan/GL software drivers) only when wgpu finds
# no adapter at all. Does NOT run tests (see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
    python3.11 -m venv .venv
fi
# torch is pinned by pyproject.toml (<=2.13.0), so the CPU wheel already on local disk satisfies it.
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev,serve,export]'

if ! .venv/bin/python -c 'import sys, wgpu; sys.exit(0 if wgpu.gpu.enumerate_adapters_sync() else 1)' 2>/dev/null; then
    echo "ci_setup: wgpu found no adapter; installing Mesa software drivers" >&2
    SUDO=""
    if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends \
        mesa-vulkan-drivers libgl1-mesa-dri libegl1
    .venv/bin/python -c 'import wgpu; a = wgpu.gpu.enumerate_adapters_sync(); print("ci_setup: adapters:", [x.info["device"] for x in a])'
fi
