#!/usr/bin/env bash
# Reproduce the shipped bundle (src/tiny_agent_trainer/bundled/default) from scratch on one GPU: the exact
# sequence that produced it (docs/model-card.md), about 72 minutes on an H100.
# Generator (model.safetensors):
#   stage 1: generator at commit 806b1e0 (120k pairs, 353 curated), `train --preset small`, 470 s
#   stage 2: generator 2.1 (240k pairs, 514 curated), config/ship_stage2.toml, init from stage 1, 330 s
#   stage 3: same data, config/ship_stage3.toml, init from stage 2, 290 s
#   stage 8: generator 2.4 (hand-written user descriptions, commit 9c53577), config/ship_stage8.toml, init stage 3, 320 s
#   stage 9: same data, config/ship_stage9.toml, init from stage 8, 320 s -> the shipped generator
# Reviewer (reviewer/, reranks candidates; shader -> description):
#   R1: data of commit f925dc4 (generator 2.1, 911 curated), `--preset reviewer` from scratch, 300 s
#   R2: data of commit c448fe3 (generator 2.2), config/reviewer_stage2.toml, init from R1, 300 s (final weights)
#   R3: data of commit 7ec17f7 (generator 2.3, open-vocabulary names), config/reviewer_stage3.toml, init from R2,
#       330 s (final weights)
#   R5a: same data, config/reviewer_stage5a.toml (contrastive margin loss against operation mutants), init from
#       R3, 250 s (the shipped run was cut at its step-2400 checkpoint)
#   R7: generator 2.4, config/reviewer_stage7.toml, init from R5a, 320 s
#   R8: same data, config/reviewer_stage8.toml, init from R7, 320 s -> the shipped reviewer
# + the retrieval corpus (scripts/make_fallback_corpus.py: stage-2/3 data + the curated file).
# Time-budgeted runs follow the wall clock, so the weights are not bit-identical to the shipped ones.
# Usage (repo root, a git checkout): [WORK=runs/reproduce] [SMOKE=1] bash scripts/reproduce_ship.sh
# SMOKE=1 runs the same pipeline with tiny counts and seconds of training (a CPU check of the script).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mkdir -p "${WORK:-$ROOT/runs/reproduce}" && cd "${WORK:-$ROOT/runs/reproduce}" && pwd)
PY=${PYTHON:-python3}
if [ "${SMOKE:-0}" = 1 ]; then N1=400 N2=800 T1=5 T2=5 T3=5 TR=5 TR3=5 TR5=5 T8=5
else N1=120000 N2=240000 T1=470 T2=330 T3=290 TR=300 TR3=330 TR5=250 T8=320; fi
run() { echo "+ $*" >&2; "$@"; }

build_at() {  # build_at COMMIT OUT COUNT: the dataset that the generator of COMMIT builds, in a worktree
  [ -d "$WORK/src-$1" ] || run git -C "$ROOT" worktree add --detach "$WORK/src-$1" "$1"
  (cd "$WORK/src-$1" && PYTHONPATH="$WORK/src-$1/src" run "$PY" -m tiny_agent_trainer dataset build --out "$2" \
    --count "$3" --seed 0 --no-progress)
}

# stage 1: the generator and preset as of commit 806b1e0, in a separate worktree
build_at 806b1e0 "$WORK/data1" "$N1"
(cd "$WORK/src-806b1e0" && export PYTHONPATH="$WORK/src-806b1e0/src" &&
  run "$PY" -m tiny_agent_trainer train --preset small --data "$WORK/data1" --output "$WORK/stage1" \
    --engine /nonexistent.toml --no-progress --max-time "$T1")
export PYTHONPATH="$ROOT/src"
run "$PY" -m tiny_agent_trainer.training.bundle "$WORK/stage1" "$WORK/stage1-bundle"

# stages 2 and 3: generator 2.1 (240k pairs, 514 curated, as of commit ac27a4c) and the two ship configs
build_at ac27a4c "$WORK/data2" "$N2"
run "$PY" -m tiny_agent_trainer train --config "$ROOT/config/ship_stage2.toml" --init-from "$WORK/stage1-bundle" \
  --data "$WORK/data2" --output "$WORK/stage2" --engine /nonexistent.toml --no-progress --max-time "$T2"
run "$PY" -m tiny_agent_trainer.training.bundle "$WORK/stage2" "$WORK/stage2-bundle"
run "$PY" -m tiny_agent_trainer train --config "$ROOT/config/ship_stage3.toml" --init-from "$WORK/stage2-bundle" \
  --data "$WORK/data2" --output "$WORK/stage3" --engine /nonexistent.toml --no-progress --max-time "$T3"
run "$PY" -m tiny_agent_trainer.training.bundle "$WORK/stage3" "$WORK/stage3-bundle"

# the reviewer: three stages on the datasets of three generator versions
build_at f925dc4 "$WORK/data4" "$N2"
build_at c448fe3 "$WORK/data5" "$N2"
build_at 7ec17f7 "$WORK/data6" "$N2"
run "$PY" -m tiny_agent_trainer train --preset reviewer --data "$WORK/data4" --output "$WORK/rev1" \
  --engine /nonexistent.toml --no-progress --max-time "$TR"
run "$PY" -m tiny_agent_trainer.training.bundle "$WORK/rev1" "$WORK/rev1-bundle"
run "$PY" -m tiny_agent_trainer train --config "$ROOT/config/reviewer_stage2.toml" --init-from "$WORK/rev1-bundle" \
  --data "$WORK/data5" --output "$WORK/rev2" --engine /nonexistent.toml --no-progress --max-time "$TR"
run "$PY" -m tiny_agent_trainer.training.bundle "$WORK/rev2" "$WORK/rev2-bundle" --which latest
run "$PY" -m tiny_agent_trainer train --config "$ROOT/config/reviewer_stage3.toml" --init-from "$WORK/rev2-bundle" \
  --data "$WORK/data6" --output "$WORK/rev3" --engine /nonexistent.toml --no-progress --max-time "$TR3"
run "$PY" -m tiny_agent_trainer.training.bundle "$WORK/rev3" "$WORK/rev3-bundle" --which latest
run "$PY" -m tiny_agent_trainer train --config "$ROOT/config/reviewer_stage5a.toml" --init-from "$WORK/rev3-bundle" \
  --data "$WORK/data6" --output "$WORK/rev5" --engine /nonexistent.toml --no-progress --max-time "$TR5"
run "$PY" -m tiny_agent_trainer.training.bundle "$WORK/rev5" "$WORK/rev5-bundle" --which latest

# generator stages 8-9 and reviewer stages R7-R8 on generator 2.4 (hand-written user descriptions, commit 9c53577)
build_at 9c53577 "$WORK/data7" "$N2"
run "$PY" -m tiny_agent_trainer train --config "$ROOT/config/ship_stage8.toml" --init-from "$WORK/stage3-bundle" \
  --data "$WORK/data7" --output "$WORK/stage8" --engine /nonexistent.toml --no-progress --max-time "$T8"
run "$PY" -m tiny_agent_trainer.training.bundle "$WORK/stage8" "$WORK/stage8-bundle" --which latest
run "$PY" -m tiny_agent_trainer train --config "$ROOT/config/ship_stage9.toml" --init-from "$WORK/stage8-bundle" \
  --data "$WORK/data7" --output "$WORK/stage9" --engine /nonexistent.toml --no-progress --max-time "$T8"
run "$PY" -m tiny_agent_trainer.training.bundle "$WORK/stage9" "$WORK/bundle" --which latest
run "$PY" -m tiny_agent_trainer train --config "$ROOT/config/reviewer_stage7.toml" --init-from "$WORK/rev5-bundle" \
  --data "$WORK/data7" --output "$WORK/rev7" --engine /nonexistent.toml --no-progress --max-time "$T8"
run "$PY" -m tiny_agent_trainer.training.bundle "$WORK/rev7" "$WORK/rev7-bundle" --which latest
run "$PY" -m tiny_agent_trainer train --config "$ROOT/config/reviewer_stage8.toml" --init-from "$WORK/rev7-bundle" \
  --data "$WORK/data7" --output "$WORK/rev8" --engine /nonexistent.toml --no-progress --max-time "$T8"
run "$PY" -m tiny_agent_trainer.training.bundle "$WORK/rev8" "$WORK/bundle/reviewer" --which latest
# the retrieval corpus stays the generator-2.1 one (a corpus from the 2.4 data scored lower, docs/runs/descriptions-notes.txt)
run "$PY" "$ROOT/scripts/make_fallback_corpus.py" "$WORK/data2" "$ROOT/config/wgsl_training_data.toml" "$WORK/bundle"
echo "reproduced bundle: $WORK/bundle (evaluate: tiny-agent-trainer eval --bench benchmarks/public.toml --model $WORK/bundle)"
