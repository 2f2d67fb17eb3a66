#!/usr/bin/env bash
# A generator run and a reviewer run in one device call, sharing one GPU concurrently (each is too small
# to fill it), $MAX_TIME s of training each. Defaults = ship stage 4:
#   gen: GEN_ARGS (default: config/ship_stage4.toml, init from the stage-3 bundle in .gpu_data/init);
#   rev: REV_ARGS (default: `--preset reviewer`, from scratch).
# WHICH=best|latest picks the checkpoint bundled (stage 4: best by val loss; stage 5: latest, the final
# annealed weights). Each run's bundle, journal and notes come back as one tarball under $OUT.
# Usage (device machine, repo root, .gpu_data carried): OUT=/path [MAX_TIME=300] [DATA=.gpu_data]
#   [GEN_ARGS=...] [REV_ARGS=...] [WHICH=best] [SPLIT_GPUS=1] bash scripts/gpu_gen_and_reviewer.sh
# SPLIT_GPUS=1 (a two-GPU machine): the generator runs alone on GPU 0, the reviewer on GPU 1.
set -uo pipefail
MAX_TIME=${MAX_TIME:-300}
for r in gen rev; do
  if [ $r = gen ]; then args=${GEN_ARGS:-"--config config/ship_stage4.toml --init-from .gpu_data/init"}
  else args=${REV_ARGS:-"--preset reviewer"}; fi
  gpu=$([ $r = gen ] && echo 0 || echo 1)
  ${SPLIT_GPUS:+env CUDA_VISIBLE_DEVICES=$gpu} MAX_TIME=$MAX_TIME WHICH=${WHICH:-best} \
    bash scripts/gpu_bounded_run.sh $r 250 "$args" &
done
wait
ls -la "$OUT"
