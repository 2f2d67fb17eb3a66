#!/usr/bin/env bash
# Reproduce the shipped model (src/tiny_agent_trainer/bundled/default) from scratch on one GPU:
# the exact three-stage sequence that produced it (docs/model-card.md), about 25 minutes on an H100.
#   stage 1: generator at commit 806b1e0 (120k pairs, 353 curated), `train --preset small`, 470 s
#   stage 2: current generator (240k pairs, 514 curated), config/ship_stage2.toml, init from stage 1, 330 s
#   stage 3: same data, config/ship_stage3.toml, init from stage 2, 290 s -> $WORK/bundle
#   + the bundle's retrieval-fallback corpus (scripts/make_fallback_corpus.py)
# Time-budgeted runs follow the wall clock, so the weights are not bit-identical to the shipped ones.
# Usage (repo root, a git checkout): [WORK=runs/reproduce] [SMOKE=1] bash scripts/reproduce_ship.sh
# SMOKE=1 runs the same pipeline with tiny counts and seconds of training (a CPU check of the script).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mkdir -p "${WORK:-$ROOT/runs/reproduce}" && cd "${WORK:-$ROOT/runs/reproduce}" && pwd)
PY=${PYTHON:-python3}
if [ "${SMOKE:-0}" = 1 ]; then N1=400 N2=800 T1=5 T2=5 T3=5; else N1=120000 N2=240000 T1=470 T2=330 T3=290; fi
run() { echo "+ $*" >&2; "$@"; }

# stage 1: the generator and preset as of commit 806b1e0, in a separate worktree
if [ ! -d "$WORK/stage1-src" ]; then
  run git -C "$ROOT" worktree add --detach "$WORK/stage1-src" 806b1e0
fi
(cd "$WORK/stage1-src" && export PYTHONPATH="$WORK/stage1-src/src" &&
  run "$PY" -m tiny_agent_trainer dataset build --out "$WORK/data1" --count "$N1" --seed 0 --no-progress &&
  run "$PY" -m tiny_agent_trainer train --preset small --data "$WORK/data1" --output "$WORK/stage1" \
    --engine /nonexistent.toml --no-progress --max-time "$T1")
export PYTHONPATH="$ROOT/src"
run "$PY" -m tiny_agent_trainer.training.bundle "$WORK/stage1" "$WORK/stage1-bundle"

# stages 2 and 3: the current generator (240k pairs) and the two ship configs
run "$PY" -m tiny_agent_trainer dataset build --out "$WORK/data2" --count "$N2" --seed 0 --no-progress
run "$PY" -m tiny_agent_trainer train --config "$ROOT/config/ship_stage2.toml" --init-from "$WORK/stage1-bundle" \
  --data "$WORK/data2" --output "$WORK/stage2" --engine /nonexistent.toml --no-progress --max-time "$T2"
run "$PY" -m tiny_agent_trainer.training.bundle "$WORK/stage2" "$WORK/stage2-bundle"
run "$PY" -m tiny_agent_trainer train --config "$ROOT/config/ship_stage3.toml" --init-from "$WORK/stage2-bundle" \
  --data "$WORK/data2" --output "$WORK/stage3" --engine /nonexistent.toml --no-progress --max-time "$T3"
run "$PY" -m tiny_agent_trainer.training.bundle "$WORK/stage3" "$WORK/bundle"
run "$PY" "$ROOT/scripts/make_fallback_corpus.py" "$WORK/data2" "$ROOT/config/wgsl_training_data.toml" "$WORK/bundle"
echo "reproduced bundle: $WORK/bundle (evaluate: tiny-agent-trainer eval --bench benchmarks/public.toml --model $WORK/bundle)"
