#!/usr/bin/env bash
# A generator run and a reviewer run in one device call, sharing one GPU concurrently (each is too small
# to fill it), $MAX_TIME s of training each. Defaults = ship stage 4:
#   gen: GEN_ARGS (default: config/ship_stage4.toml, init from the stage-3 bundle in .gpu_data/init);
#   rev: REV_ARGS (default: `--preset reviewer`, from scratch).
# WHICH=best|latest picks the checkpoint bundled (stage 4: best by val loss; stage 5: latest, the final
# annealed weights). Each run's bundle, journal and notes come back as one tarball under $OUT.
# Usage (device machine, repo root, .gpu_data carried): OUT=/path [MAX_TIME=300] [DATA=.gpu_data]
#   [GEN_ARGS=...] [REV_ARGS=...] [WHICH=best] bash scripts/gpu_gen_and_reviewer.sh
set -uo pipefail
MAX_TIME=${MAX_TIME:-300}
for r in gen rev; do
  if [ $r = gen ]; then args=${GEN_ARGS:-"--config config/ship_stage4.toml --init-from .gpu_data/init"}
  else args=${REV_ARGS:-"--preset reviewer"}; fi
  ( timeout $((MAX_TIME + 250)) env OUT="$OUT/$r" DATA=${DATA:-.gpu_data} BENCH=0 MAX_TIME=$MAX_TIME WHICH=${WHICH:-best} RUN=/tmp/tat-runs/$r \
      TRAIN_ARGS="$args" bash scripts/gpu_run.sh >"$OUT/$r.log" 2>&1
    echo "$r exit $?" >>"$OUT/$r.log"
    if [ ! -f "$OUT/$r/bundle/model.safetensors" ] && [ -d /tmp/tat-runs/$r ]; then  # timed out: bundle the latest checkpoint
      PYTHONPATH=$PWD/src python3 -m tiny_agent_trainer.training.bundle /tmp/tat-runs/$r "$OUT/$r/bundle" \
        --which "${WHICH:-best}" >>"$OUT/$r.log" 2>&1
      cp journals/$r.jsonl "$OUT/$r/journal.jsonl" 2>/dev/null
    fi
    tar czf "$OUT/$r.tgz" -C "$OUT" "$r" && rm -rf "${OUT:?}/$r" ) &
done
wait
ls -la "$OUT"
