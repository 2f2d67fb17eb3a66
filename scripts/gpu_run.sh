#!/usr/bin/env bash
# One whole GPU experiment in one call (see docs/performance.md and docs/model-card.md):
#  1. training throughput + MFU of the `base` shape, ours vs Hugging Face BART, same batches;
#  2. train the `small` preset (the shipped model) on the dataset in $DATA;
#  3. bundle the best checkpoint as fp16 into $OUT/bundle, copy the journal and notes.
# Usage (device machine, repo root): DATA=.gpu_data OUT=/path [BENCH=full|mfu|0] [MAX_TIME=s] [WHICH=best|latest]
#   [TRAIN_ARGS="--config F --init-from B"] bash scripts/gpu_run.sh
set -euo pipefail
export PYTHONPATH=$PWD/src PYTHONUNBUFFERED=1
DATA=${DATA:-data}
OUT=${OUT:-gpu_out}
MAX_TIME=${MAX_TIME:-330}
RUN=${RUN:-/tmp/tat-runs/ship}
mkdir -p "$OUT"
if compgen -G "$DATA/*.jsonl.gz" >/dev/null; then  # compact gzipped dataset (carried to the device machine)
  UNZ=/tmp/tat-data-$(basename "$RUN")  # one directory per run: two runs may share the machine
  mkdir -p "$UNZ" && for f in "$DATA"/*.jsonl.gz; do gunzip -c "$f" >"$UNZ/$(basename "${f%.gz}")"; done
  DATA=$UNZ
fi
NOTES=$OUT/notes.txt
{ date -u; (nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || echo "no nvidia-smi");
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'; } | tee "$NOTES"
if [ "${BENCH:-full}" = mfu ]; then
  python3 benchmarks/bench_train.py --preset base --batch 256 --src 48 --tgt 256 --steps 30 --compile \
    2>>"$NOTES" | tee -a "$OUT/bench_train.jsonl"
elif [ "${BENCH:-full}" = full ]; then
  for c in "--compile" ""; do
    python3 benchmarks/bench_train.py --preset base --batch 128 --src 48 --tgt 256 --steps 30 --hf $c \
      2>>"$NOTES" | tee -a "$OUT/bench_train.jsonl"
  done
  python3 benchmarks/bench_train.py --preset small --batch 128 --src 32 --tgt 160 --steps 30 --hf \
    2>>"$NOTES" | tee -a "$OUT/bench_train.jsonl"
fi
rm -rf "$RUN"
python3 -m tiny_agent_trainer train ${TRAIN_ARGS:---preset small} --data "$DATA" --output "$RUN" --engine /nonexistent.toml \
  --no-progress --json --max-time "$MAX_TIME" ${MAX_STEPS:+--max-steps $MAX_STEPS} | tee -a "$NOTES"
python3 -m tiny_agent_trainer.training.bundle "$RUN" "$OUT/bundle" --which "${WHICH:-best}" | tee -a "$NOTES"
cp "journals/$(basename "$RUN").jsonl" "$OUT/journal.jsonl"
grep '"event": "eval"' "$OUT/journal.jsonl" | tail -3 | tee -a "$NOTES"
if [ "${BENCH:-full}" != 0 ]; then
  python3 benchmarks/bench_generate_gpu.py --model "$OUT/bundle" --batches 1,16,64,256 --tokens 200 \
    2>>"$NOTES" | tee -a "$OUT/bench_generate_gpu.jsonl"
fi
