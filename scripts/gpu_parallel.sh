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
  CUDA_VISIBLE_DEVICES=$gpu MAX_TIME=$MAX_TIME WHICH=$WHICH \
    bash scripts/gpu_bounded_run.sh "$name" 200 "--config $cfg --init-from $INIT" &
  gpu=$((gpu + 1))
done
wait
ls -la "$OUT"
