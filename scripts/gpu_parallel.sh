#!/usr/bin/env bash
# Several generator runs in one device call, one per GPU, all from the same init bundle on the same data,
# $MAX_TIME s of training each (a multi-GPU machine: nvidia-h100-x4 runs four). Each run's bundle, journal
# and notes come back as one tarball under $OUT (NAME.tgz), its log as NAME.log.
# Usage (device machine, repo root, the data carried): OUT=/path RUNS="NAME:CONFIG NAME:CONFIG ..."
#   INIT=GEN_BUNDLE [DATA=.gpu_data] [MAX_TIME=370] [WHICH=latest] bash scripts/gpu_parallel.sh
set -uo pipefail
MAX_TIME=${MAX_TIME:-370}
WHICH=${WHICH:-latest}
gpu=0
for spec in $RUNS; do
  name=${spec%%:*}; cfg=${spec#*:}
  ( CUDA_VISIBLE_DEVICES=$gpu timeout $((MAX_TIME + 200)) env OUT="$OUT/$name" DATA="${DATA:-.gpu_data}" BENCH=0 \
      MAX_TIME=$MAX_TIME WHICH=$WHICH RUN=/tmp/tat-runs/$name TRAIN_ARGS="--config $cfg --init-from $INIT" \
      bash scripts/gpu_run.sh >"$OUT/$name.log" 2>&1
    echo "$name exit $?" >>"$OUT/$name.log"
    if [ ! -f "$OUT/$name/bundle/model.safetensors" ] && [ -d /tmp/tat-runs/$name ]; then  # cut by the timeout
      PYTHONPATH=$PWD/src python3 -m tiny_agent_trainer.training.bundle /tmp/tat-runs/$name "$OUT/$name/bundle" \
        --which "$WHICH" >>"$OUT/$name.log" 2>&1
      cp journals/$name.jsonl "$OUT/$name/journal.jsonl" 2>/dev/null
    fi
    tar czf "$OUT/$name.tgz" -C "$OUT" "$name" && rm -rf "${OUT:?}/$name" ) &
  gpu=$((gpu + 1))
done
wait
ls -la "$OUT"
