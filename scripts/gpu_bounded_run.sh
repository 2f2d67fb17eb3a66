#!/usr/bin/env bash
# One training run of a multi-run device call (scripts/gpu_gen_and_reviewer.sh, scripts/gpu_parallel.sh):
# scripts/gpu_run.sh under a wall-clock limit of MAX_TIME + GRACE s; when the limit cut it before it bundled,
# its WHICH checkpoint is bundled here. The run's folder $OUT/NAME (bundle, journal, notes) comes back as
# $OUT/NAME.tgz, its log as $OUT/NAME.log.
# Usage (device machine, repo root): OUT=/path MAX_TIME=s WHICH=best|latest [DATA=.gpu_data]
#   bash scripts/gpu_bounded_run.sh NAME GRACE "TRAIN_ARGS"
set -uo pipefail
name=$1 grace=$2 args=$3
timeout $((MAX_TIME + grace)) env OUT="$OUT/$name" DATA="${DATA:-.gpu_data}" BENCH=0 MAX_TIME="$MAX_TIME" WHICH="$WHICH" \
  RUN=/tmp/tat-runs/$name TRAIN_ARGS="$args" bash scripts/gpu_run.sh >"$OUT/$name.log" 2>&1
echo "$name exit $?" >>"$OUT/$name.log"
if [ ! -f "$OUT/$name/bundle/model.safetensors" ] && [ -d /tmp/tat-runs/$name ]; then  # cut by the timeout
  PYTHONPATH=$PWD/src python3 -m tiny_agent_trainer.training.bundle /tmp/tat-runs/$name "$OUT/$name/bundle" \
    --which "$WHICH" >>"$OUT/$name.log" 2>&1
  cp journals/$name.jsonl "$OUT/$name/journal.jsonl" 2>/dev/null
fi
tar czf "$OUT/$name.tgz" -C "$OUT" "$name" && rm -rf "${OUT:?}/$name"
