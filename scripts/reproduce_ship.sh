#!/usr/bin/env bash
# Reproduce the shipped bundle (src/tiny_agent_trainer/bundled/default) from scratch on one GPU: the exact
# sequence that produced it (docs/model-card.md), about 140 minutes on an H100.
# Generator (model.safetensors):
#   stage 1: generator at commit 806b1e0 (120k pairs, 353 curated), `train --preset small`, 470 s
#   stage 2: generator 2.1 (240k pairs, 514 curated), config/ship_stage2.toml, init from stage 1, 330 s
#   stage 3: same data, config/ship_stage3.toml, init from stage 2, 290 s
#   stage 8: generator 2.4 (hand-written user descriptions, cleaned: commit 7a3bf2a), config/ship_stage8.toml, init stage 3, 320 s
#   stage 9: same data, config/ship_stage9.toml, init from stage 8, 320 s
#   stage 10: same data, config/ship_stage10.toml, init from stage 9, 380 s
#   stage 11: generator 2.5 (in-place u32 and colour updates: commit e71d13c), config/ship_stage11.toml, init from
#       stage 10, 390 s
#   stage 15: generator 2.8 (68 new operations: commit 0b71252), config/ship_stage15_lr3_seed1.toml, init from
#       stage 11, 380 s
#   stage 16: generator 2.9 (interface sentences: commit 853a7ef), config/ship_stage16.toml, init from stage 15,
#       380 s
#   stage 17: generator 2.10 (named domain formulas: commit 0576465), config/ship_stage17.toml, init from stage 16,
#       350 s (final weights)
#   stage 18: generator 2.10 + the 759 pairs of sixteen used benchmark sets (`dataset build --extra-curated`, at
#       commit f317198, which drops the nine that nearly copy a held-out prompt), config/ship_stage18.toml, init from
#       stage 17, 340 s (final weights)
#   stage 18s: the uniform soup of stages 17 and 18 (python -m tiny_agent_trainer.training.soup) -> the shipped generator
# Reviewer (reviewer/, reranks candidates; shader -> description):
#   R1: data of commit f925dc4 (generator 2.1, 911 curated), `--preset reviewer` from scratch, 300 s
#   R2: data of commit c448fe3 (generator 2.2), config/reviewer_stage2.toml, init from R1, 300 s (final weights)
#   R3: data of commit 7ec17f7 (generator 2.3, open-vocabulary names), config/reviewer_stage3.toml, init from R2,
#       330 s (final weights)
#   R5a: same data, config/reviewer_stage5a.toml (contrastive margin loss against operation mutants), init from
#       R3, 250 s (the shipped run was cut at its step-2400 checkpoint)
#   R7: generator 2.4, config/reviewer_stage7.toml, init from R5a, 320 s
#   R8: same data, config/reviewer_stage8.toml, init from R7, 320 s
#   R9: same data, config/reviewer_stage9.toml, init from R8, 380 s
#   R10: generator 2.5, config/reviewer_stage10.toml, init from R9, 390 s
#   R13: generator 2.8, config/reviewer_stage13.toml, init from R10, 280 s
#   R14b: same data, config/reviewer_stage14b.toml, init from R13, 200 s (the shipped run was cut at its step-1200
#       checkpoint after about 200 s of its 250 s budget)
#   R19: generator 2.10 + the pairs of sixteen used benchmark sets and three training sets (`dataset build
#       --extra-curated`, at commit 789daae), config/reviewer_stage19.toml, init from R14b, 340 s (final weights)
#       -> the shipped reviewer
# + the retrieval corpus (scripts/make_fallback_corpus.py: stage-2/3 data + the curated file).
# Time-budgeted runs follow the wall clock, so the weights are not bit-identical to the shipped ones.
# Usage (repo root, a git checkout): [WORK=runs/reproduce] [SMOKE=1] bash scripts/reproduce_ship.sh
# SMOKE=1 runs the same pipeline with tiny counts and seconds of training (a CPU check of the script).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mkdir -p "${WORK:-$ROOT/runs/reproduce}" && cd "${WORK:-$ROOT/runs/reproduce}" && pwd)
PY=${PYTHON:-python3}
if [ "${SMOKE:-0}" = 1 ]; then N1=400 N2=800 T1=5 T2=5 T3=5 TR=5 TR3=5 TR5=5 T8=5 T10=5 T11=5 T15=5 TR13=5 TR14=5 T16=5 T17=5 T18=5 TR19=5
else N1=120000 N2=240000 T1=470 T2=330 T3=290 TR=300 TR3=330 TR5=250 T8=320 T10=380 T11=390 T15=380 TR13=280 TR14=200 T16=380 T17=350 T18=340 TR19=340; fi
run() { echo "+ $*" >&2; "$@"; }

build_at() {  # build_at COMMIT OUT COUNT [ARGS...]: the dataset that the generator of COMMIT builds, in a worktree
  [ -d "$WORK/src-$1" ] || run git -C "$ROOT" worktree add --detach "$WORK/src-$1" "$1"
  (cd "$WORK/src-$1" && PYTHONPATH="$WORK/src-$1/src" run "$PY" -m tiny_agent_trainer dataset build --out "$2" \
    --count "$3" --seed 0 --no-progress "${@:4}")
}

# stage 1: the generator and preset as of commit 806b1e0, in a separate worktree
build_at 806b1e0 "$WORK/data1" "$N1"
(cd "$WORK/src-806b1e0" && export PYTHONPATH="$WORK/src-806b1e0/src" &&
  run "$PY" -m tiny_agent_trainer train --preset small --data "$WORK/data1" --output "$WORK/stage1" \
    --engine /nonexistent.toml --no-progress --max-time "$T1")
export PYTHONPATH="$ROOT/src"
run "$PY" -m tiny_agent_trainer.training.bundle "$WORK/stage1" "$WORK/stage1-bundle"

stage() {  # stage CONFIG INIT DATA NAME SECONDS WHICH DEST: one `train --config` run continued from INIT, bundled to DEST
  run "$PY" -m tiny_agent_trainer train --config "$ROOT/config/$1" --init-from "$2" --data "$3" --output "$WORK/$4" \
    --engine /nonexistent.toml --no-progress --max-time "$5"
  run "$PY" -m tiny_agent_trainer.training.bundle "$WORK/$4" "$7" --which "$6"
}

# stages 2 and 3: generator 2.1 (240k pairs, 514 curated, as of commit ac27a4c) and the two ship configs
build_at ac27a4c "$WORK/data2" "$N2"
stage ship_stage2.toml "$WORK/stage1-bundle" "$WORK/data2" stage2 "$T2" best "$WORK/stage2-bundle"
stage ship_stage3.toml "$WORK/stage2-bundle" "$WORK/data2" stage3 "$T3" best "$WORK/stage3-bundle"

# the reviewer: stages on the datasets of three generator versions
build_at f925dc4 "$WORK/data4" "$N2"
build_at c448fe3 "$WORK/data5" "$N2"
build_at 7ec17f7 "$WORK/data6" "$N2"
run "$PY" -m tiny_agent_trainer train --preset reviewer --data "$WORK/data4" --output "$WORK/rev1" \
  --engine /nonexistent.toml --no-progress --max-time "$TR"
run "$PY" -m tiny_agent_trainer.training.bundle "$WORK/rev1" "$WORK/rev1-bundle"
stage reviewer_stage2.toml "$WORK/rev1-bundle" "$WORK/data5" rev2 "$TR" latest "$WORK/rev2-bundle"
stage reviewer_stage3.toml "$WORK/rev2-bundle" "$WORK/data6" rev3 "$TR3" latest "$WORK/rev3-bundle"
stage reviewer_stage5a.toml "$WORK/rev3-bundle" "$WORK/data6" rev5 "$TR5" latest "$WORK/rev5-bundle"

# generator stages 8-9 and reviewer stages R7-R8 on generator 2.4 (hand-written user descriptions, cleaned: commit 7a3bf2a)
build_at 7a3bf2a "$WORK/data7" "$N2"
stage ship_stage8.toml "$WORK/stage3-bundle" "$WORK/data7" stage8 "$T8" latest "$WORK/stage8-bundle"
stage ship_stage9.toml "$WORK/stage8-bundle" "$WORK/data7" stage9 "$T8" latest "$WORK/stage9-bundle"
stage ship_stage10.toml "$WORK/stage9-bundle" "$WORK/data7" stage10 "$T10" latest "$WORK/stage10-bundle"
stage reviewer_stage7.toml "$WORK/rev5-bundle" "$WORK/data7" rev7 "$T8" latest "$WORK/rev7-bundle"
stage reviewer_stage8.toml "$WORK/rev7-bundle" "$WORK/data7" rev8 "$T8" latest "$WORK/rev8-bundle"
stage reviewer_stage9.toml "$WORK/rev8-bundle" "$WORK/data7" rev9 "$T10" latest "$WORK/rev9-bundle"

# generator stage 11 and reviewer R10 on generator 2.5 (in-place u32 and colour updates: commit e71d13c)
build_at e71d13c "$WORK/data8" "$N2"
stage ship_stage11.toml "$WORK/stage10-bundle" "$WORK/data8" stage11 "$T11" latest "$WORK/stage11-bundle"
stage reviewer_stage10.toml "$WORK/rev9-bundle" "$WORK/data8" rev10 "$T11" latest "$WORK/rev10-bundle"

# generator stage 15 and reviewers R13, R14b on generator 2.8 (68 new operations: commit 0b71252)
build_at 0b71252 "$WORK/data9" "$N2"
stage ship_stage15_lr3_seed1.toml "$WORK/stage11-bundle" "$WORK/data9" stage15 "$T15" latest "$WORK/stage15-bundle"
stage reviewer_stage13.toml "$WORK/rev10-bundle" "$WORK/data9" rev13 "$TR13" latest "$WORK/rev13-bundle"
stage reviewer_stage14b.toml "$WORK/rev13-bundle" "$WORK/data9" rev14b "$TR14" latest "$WORK/rev14b-bundle"

# generator stage 16 on generator 2.9 (interface sentences: commit 853a7ef); R14b is its reviewer
build_at 853a7ef "$WORK/data10" "$N2"
stage ship_stage16.toml "$WORK/stage15-bundle" "$WORK/data10" stage16 "$T16" best "$WORK/stage16-bundle"

# generator stage 17 on generator 2.10 (named domain formulas: commit 0576465)
build_at 0576465 "$WORK/data11" "$N2"
stage ship_stage17.toml "$WORK/stage16-bundle" "$WORK/data11" stage17 "$T17" latest "$WORK/stage17-bundle"

# generator stage 18 on the same generator plus the used benchmark sets (commit f317198), then the soup 17 + 18
EXTRA=$(sed -n 's/^extra_curated = "\(.*\)"$/\1/p' "$ROOT/config/ship_stage18.toml")
build_at f317198 "$WORK/data12" "$N2" --extra-curated "$EXTRA"
stage ship_stage18.toml "$WORK/stage17-bundle" "$WORK/data12" stage18 "$T18" latest "$WORK/stage18-bundle"
run rm -rf "$WORK/bundle"
run "$PY" -m tiny_agent_trainer.training.soup "$WORK/bundle" "$WORK/stage17-bundle" "$WORK/stage18-bundle"
# reviewer R19 on the same generator plus nineteen hand-written sets (commit 789daae)
EXTRA19=$(sed -n 's/^extra_curated = "\(.*\)"$/\1/p' "$ROOT/config/reviewer_stage19.toml")
build_at 789daae "$WORK/data13" "$N2" --extra-curated "$EXTRA19"
stage reviewer_stage19.toml "$WORK/rev14b-bundle" "$WORK/data13" rev19 "$TR19" latest "$WORK/rev19-bundle"
run rm -rf "$WORK/bundle/reviewer"
run cp -r "$WORK/rev19-bundle" "$WORK/bundle/reviewer"
# grammar-constrained decoding by default, as shipped (meta.json "inference")
run "$PY" -c "import json, sys; p = sys.argv[1]; m = json.load(open(p)); m['inference'] = {'constrained': True}; json.dump(m, open(p, 'w'), indent=2)" "$WORK/bundle/meta.json"
# the retrieval corpus stays the generator-2.1 one (a corpus from the 2.4 data scored lower, docs/runs/descriptions-notes.txt)
run "$PY" "$ROOT/scripts/make_fallback_corpus.py" "$WORK/data2" "$ROOT/config/wgsl_training_data.toml" "$WORK/bundle"
echo "reproduced bundle: $WORK/bundle (evaluate: tiny-agent-trainer eval --bench benchmarks/public.toml --model $WORK/bundle)"
