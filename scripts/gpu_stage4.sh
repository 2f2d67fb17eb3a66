#!/usr/bin/env bash
# Ship stage 4 in one device call: two runs share one GPU, concurrently (each is too small to fill it):
#   gen: the generator, config/ship_stage4.toml, init from the stage-3 bundle (.gpu_data/init), $MAX_TIME s;
#   rev: the reviewer (shader -> description, `--preset reviewer`) from scratch, $MAX_TIME s.
# Each run's bundle, journal and notes come back as one tarball under $OUT (the device returns 8 files).
# Usage (device machine, repo root, .gpu_data carried): OUT=/path [MAX_TIME=300] bash scripts/gpu_stage4.sh
set -uo pipefail
MAX_TIME=${MAX_TIME:-300}
for r in gen rev; do
  if [ $r = gen ]; then args="--config config/ship_stage4.toml --init-from ${INIT:-.gpu_data/init}"; else args="--preset reviewer"; fi
  ( timeout $((MAX_TIME + 250)) env OUT="$OUT/$r" DATA=${DATA:-.gpu_data} BENCH=0 MAX_TIME=$MAX_TIME RUN=/tmp/tat-runs/$r \
      TRAIN_ARGS="$args" bash scripts/gpu_run.sh >"$OUT/$r.log" 2>&1
    echo "$r exit $?" >>"$OUT/$r.log"
    if [ ! -f "$OUT/$r/bundle/model.safetensors" ] && [ -d /tmp/tat-runs/$r ]; then  # timed out: bundle the latest checkpoint
      PYTHONPATH=$PWD/src python3 -m tiny_agent_trainer.training.bundle /tmp/tat-runs/$r "$OUT/$r/bundle" >>"$OUT/$r.log" 2>&1
      cp journals/$r.jsonl "$OUT/$r/journal.jsonl" 2>/dev/null
    fi
    tar czf "$OUT/$r.tgz" -C "$OUT" "$r" && rm -rf "${OUT:?}/$r" ) &
done
wait
ls -la "$OUT"
