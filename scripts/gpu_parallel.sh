#!/usr/bin/env bash
# Several training runs in one device call, one per GPU (or PER_GPU per GPU), on the same data,
# $MAX_TIME s of training each (a multi-GPU machine: nvidia-h100-x4 runs four). Each run's bundle, journal
# and notes come back as one tarball under $OUT (NAME.tgz), its log as NAME.log.
# Usage (device machine, repo root, the data carried): OUT=/path RUNS="NAME:CONFIG[:INIT] NAME:CONFIG[:INIT] ..."
#   INIT=GEN_BUNDLE [DATA=.gpu_data] [MAX_TIME=370] [WHICH=latest] [PER_GPU=1] bash scripts/gpu_parallel.sh
# INIT is the init bundle of every run that names none (a reviewer run names its reviewer bundle).
# PER_GPU=2 shares each GPU between two runs (a small model does not fill an H100): runs 1-2 on GPU 0, 3-4 on GPU 1.
# GPUS="0 1 2 2 3 3" names each run's GPU instead (a generator alone, reviewers two to a GPU).
set -uo pipefail
MAX_TIME=${MAX_TIME:-370}
WHICH=${WHICH:-latest}
PER_GPU=${PER_GPU:-1}
read -r -a gpus <<<"${GPUS:-}"
# Torch's intra-op threads default to every core in every run: six such runs on 64 cores ran the generators 2.9x and
# the reviewers 7x slower (two to a GPU) than one run per GPU with 12 threads each (sixteenth session). Share the cores.
read -r -d "" -a specs <<<"$RUNS"  # every whitespace-separated spec, newlines too
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-$(( $(nproc) / ${#specs[@]} > 0 ? $(nproc) / ${#specs[@]} : 1 ))}
i=0
for spec in "${specs[@]}"; do
  IFS=: read -r name cfg init <<<"$spec"
  CUDA_VISIBLE_DEVICES=${gpus[$i]:-$((i / PER_GPU))} MAX_TIME=$MAX_TIME WHICH=$WHICH \
    bash scripts/gpu_bounded_run.sh "$name" 200 "--config $cfg --init-from ${init:-$INIT}" &
  i=$((i + 1))
done
wait
ls -la "$OUT"
