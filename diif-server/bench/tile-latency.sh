#!/usr/bin/env bash
# Tile latency of `diif serve` (docs/server.md): for each zoom, a fresh server; the first 512x512 tile of
# NAME@xZ at the image's centre, 4 more (region-of-interest renders), then, once the whole image is
# encoded, 6 warm tiles and one repeated tile.
#   diif-server/bench/tile-latency.sh DIR NAME WIDTH HEIGHT [ZOOMS] [PORT]   e.g. DIR face 1024 768 "4 16"
set -euo pipefail
DIR="$1"; NAME="$2"; WIDTH="$3"; HEIGHT="$4"; ZOOMS="${5:-4 16}"; PORT="${6:-18190}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOG="$(mktemp)"
tile() {
  curl -s -o /dev/null -w "%{http_code} %{time_total} s" "http://127.0.0.1:$PORT/iiif/3/$NAME@x$1/$2,$3,512,512/512,512/0/default.jpg"
}
for Z in $ZOOMS; do
  DIIF_CDS=off "$ROOT/diif" serve --images "$DIR" --port "$PORT" --backend onnx --max-zoom 16 --verbose >"$LOG" 2>&1 &
  PID=$!
  until curl -s -o /dev/null "http://127.0.0.1:$PORT/images.json"; do sleep 0.5; done
  CX=$(( WIDTH * Z / 2 / 512 * 512 )); CY=$(( HEIGHT * Z / 2 / 512 * 512 ))
  echo "x$Z first tile: $(tile "$Z" $CX $CY)"
  for d in 1 2 3 4; do echo "x$Z next tile: $(tile "$Z" $((CX - d * 512)) $CY)"; done
  until grep -q "encoded $NAME" "$LOG"; do sleep 0.5; done
  grep -o "encoded $NAME.*" "$LOG"
  for dx in 1 2 3; do for dy in 0 1; do
    echo "x$Z warm tile: $(tile "$Z" $((CX + dx * 512)) $((CY + dy * 512)))"
  done; done
  echo "x$Z same tile again: $(tile "$Z" $CX $CY)"
  kill $PID; wait $PID 2>/dev/null || true
done
rm -f "$LOG"
