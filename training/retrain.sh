#!/usr/bin/env bash
# Retrains a model end to end: data preparation (once), training (resumes when WORK/runs/ARCH exists),
# export. The default: EDSR-baseline-DIIF -> WORK/diif.safetensors, the candidate for
# io/diif/models/default.safetensors. ARCH=liif trains the EDSR-baseline-LIIF baseline the same way.
# Usage: retrain.sh [WORK]          (default WORK = training/work, git-ignored)
# Settings (environment): ARCH (diif|liif), STEPS (schedule length), BATCH, LR, SLICES (DIIF slices per
#   group, 0 = full grid), QUERIES (LIIF), BF16 (1 = bfloat16 autocast), MAX_MINUTES (stop and checkpoint),
#   DATA (an existing prepared or packed data folder: skips the download), EXTRA (more train.py flags).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${1:-$HERE/work}
ARCH=${ARCH:-diif}
DATA=${DATA:-$WORK/data}
RUN=$WORK/runs/$ARCH
if [[ ! -f "$DATA/prepared.json" ]]; then
  "$HERE/prepare-data.sh" "$DATA"
fi
FLAGS=(--arch "$ARCH" --data "$DATA" --run "$RUN" --steps "${STEPS:-100000}" --batch "${BATCH:-16}"
       --scales-per-batch 4 --patch 48 --scale-min 1 --scale-max 4 --lr "${LR:-4e-4}" --warmup 1000
       --schedule cosine --slices "${SLICES:-2304}" --queries "${QUERIES:-2304}" --val-every 2000
       --ckpt-every 1000 --max-minutes "${MAX_MINUTES:-0}")
[[ "${BF16:-1}" == 1 ]] && FLAGS+=(--bf16)
python3 "$HERE/train.py" "${FLAGS[@]}" ${EXTRA:-}
python3 "$HERE/export.py" "$RUN" "$WORK/$ARCH.safetensors" --name "edsr-baseline-$ARCH"
