#!/usr/bin/env bash
# Retrains a model end to end: data preparation (once), training (resumes when WORK/runs/ARCH exists),
# export. The default: EDSR-baseline-DIIF -> WORK/diif.safetensors, the candidate for
# io/diif/models/default.safetensors. ARCH=liif trains the EDSR-baseline-LIIF baseline the same way.
# Usage: retrain.sh [WORK]          (default WORK = training/work, git-ignored)
# Settings (environment): ARCH (diif|liif), STEPS (schedule length), BATCH, LR, SLICES (DIIF slices per
#   group, 0 = full grid), QUERIES (LIIF), BF16 (1 = bfloat16 autocast), BF16_UNTIL (float32 from this
#   step on), INIT (DIIF: interpolation|random), INIT_FROM (an exported model to continue training: a new
#   schedule of STEPS steps from its step; new runs only), MAX_MINUTES (stop and checkpoint), PYTHON (an interpreter
#   with PyTorch), DATA (an existing prepared or packed data folder: skips the download), THREADS (CPU
#   threads, default: every core), EXTRA (more train.py flags).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${1:-$HERE/work}
ARCH=${ARCH:-diif}
DATA=${DATA:-$WORK/data}
RUN=$WORK/runs/$ARCH
# glibc's default malloc returns PyTorch's large step buffers to the kernel and faults them back in on
# every step; keeping them mapped makes a float32 CPU step about a quarter faster (docs/training.md).
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824:glibc.malloc.arena_max=1:glibc.malloc.hugetlb=1}"
if [[ ! -f "$DATA/prepared.json" ]]; then
  "$HERE/prepare-data.sh" "$DATA"
fi
# The defaults are the settings of the shipped default model (2 CPU cores, about 2 hours).
FLAGS=(--arch "$ARCH" --data "$DATA" --run "$RUN" --steps "${STEPS:-16000}" --batch "${BATCH:-8}"
       --scales-per-batch 4 --patch 48 --scale-min 1 --scale-max 4 --lr "${LR:-2e-4}" --warmup 500
       --schedule cosine --slices "${SLICES:-1152}" --queries "${QUERIES:-2304}" --val-every 1000
       --val-crop 192 --val-max 4 --ckpt-every 500 --ckpt-moments bf16 --final-val
       --max-minutes "${MAX_MINUTES:-0}" --threads "${THREADS:-$(nproc)}")
[[ "$ARCH" == diif ]] && FLAGS+=(--init "${INIT:-interpolation}")
[[ -n "${INIT_FROM:-}" ]] && FLAGS+=(--init-from "$INIT_FROM")
[[ "${BF16:-1}" == 1 ]] && FLAGS+=(--bf16 --bf16-until "${BF16_UNTIL:-12000}")
"${PYTHON:-python3}" "$HERE/train.py" "${FLAGS[@]}" ${EXTRA:-}
"${PYTHON:-python3}" "$HERE/export.py" "$RUN" "$WORK/$ARCH.safetensors" --name "edsr-baseline-$ARCH"
