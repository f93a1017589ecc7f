#!/usr/bin/env bash
# Runs the diif command line on every bad input and checks that each is rejected cleanly: a non-zero
# exit code, exactly one line on stderr that starts with "diif: " and names the file (or the bad
# argument), nothing on stdout, no stack trace, no JVM crash file (hs_err_pid*.log), under 10 s.
#
#   robustness/run-corpus.sh              the committed corpus (robustness/corpus)
#   robustness/run-corpus.sh DIR...       every file in DIR: *.safetensors as models, the rest as images
#
# Environment: DIIF (default: ./diif at the repository root), TIME_LIMIT (seconds, default 10).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIIF="${DIIF:-$ROOT/diif}"
LIMIT="${TIME_LIMIT:-10}"
MODEL="$ROOT/diif-tck/src/main/resources/io/diif/tck/golden/model-diif-row.safetensors"
IMAGE="$ROOT/diif-tck/src/main/resources/io/diif/tck/golden/input.png"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Build the CLI once, outside the timed runs.
"$DIIF" --help >/dev/null 2>&1 || { echo "run-corpus: '$DIIF --help' failed; build the CLI first" >&2; exit 2; }

pass=0
fail=0
# check NAME EXPECTED_EXIT(any|N) FRAGMENT ARGS...
check() {
  local name="$1" want="$2" fragment="$3"
  shift 3
  local run="$WORK/run" out
  rm -rf "$run" && mkdir -p "$run/out"
  local args=()
  for a in "$@"; do args+=("${a//\{OUT\}/$run/out}"); done
  local start end rc
  start=$(date +%s%N)
  (cd "$run" && timeout -k 2 "$LIMIT" "$DIIF" "${args[@]}" >"$run/stdout" 2>"$run/stderr")
  rc=$?
  end=$(date +%s%N)
  local ms=$(( (end - start) / 1000000 ))
  local why=""
  local lines
  lines=$(grep -c '' "$run/stderr")
  local line
  line=$(head -n 1 "$run/stderr")
  if [[ $rc -eq 124 || $rc -eq 137 ]]; then why="took more than ${LIMIT} s"
  elif [[ $rc -eq 0 ]]; then why="exit code 0"
  elif [[ "$want" != any && $rc -ne $want ]]; then why="exit code $rc, expected $want"
  elif [[ $rc -ge 128 ]]; then why="killed by signal $((rc - 128))"
  elif compgen -G "$run/hs_err_pid*.log" >/dev/null; then why="JVM crash file written"
  elif [[ $lines -ne 1 ]]; then why="$lines lines on stderr"
  elif [[ "$line" != "diif: "* ]]; then why="stderr does not start with 'diif: '"
  elif grep -qE $'^\tat |Exception in thread' "$run/stderr"; then why="stack trace"
  elif [[ -s "$run/stdout" ]]; then why="output on stdout"
  elif [[ "$line" != *"$fragment"* ]]; then why="message lacks '$fragment'"
  fi
  if [[ -z "$why" ]]; then
    pass=$((pass + 1))
    printf 'ok    %5d ms  %-46s %s\n' "$ms" "$name" "${line:0:150}"
  else
    fail=$((fail + 1))
    printf 'FAIL  %5d ms  %-46s %s\n' "$ms" "$name" "$why"
    sed 's/^/        | /' "$run/stderr" | head -n 8
  fi
}

run_model() {
  local f="$1" base
  base=$(basename "$f")
  check "model $base (upscale)" any "$base" upscale "$IMAGE" "{OUT}/o.png" --scale 2 --model "$f"
  check "model $base (info)" any "$base" info --model "$f"
}

run_image() {
  local f="$1" base
  base=$(basename "$f")
  check "image $base" any "$base" upscale "$f" "{OUT}/o.png" --scale 2 --model "$MODEL"
}

hs_before=$(ls /tmp/hs_err_pid*.log 2>/dev/null | wc -l)
if [[ $# -eq 0 ]]; then
  for f in "$ROOT"/robustness/corpus/models/*; do run_model "$f"; done
  for f in "$ROOT"/robustness/corpus/images/*; do run_image "$f"; done
  while IFS=$'\t' read -r -a cols; do
    [[ ${#cols[@]} -lt 3 || "${cols[0]}" == \#* ]] && continue
    args=()
    for a in "${cols[@]:2}"; do a="${a//\{MODEL\}/$MODEL}"; args+=("${a//\{IMAGE\}/$IMAGE}"); done
    check "args: ${cols[*]:2:6}" "${cols[0]}" "${cols[1]}" "${args[@]}"
  done < "$ROOT/robustness/corpus/args.tsv"
else
  for dir in "$@"; do
    while IFS= read -r -d '' f; do
      if [[ "$f" == *.safetensors ]]; then run_model "$f"; else run_image "$f"; fi
    done < <(find "$dir" -type f -print0 | sort -z)
  done
fi
hs_after=$(ls /tmp/hs_err_pid*.log 2>/dev/null | wc -l)
if [[ $hs_after -gt $hs_before ]]; then
  echo "FAIL: new JVM crash files in /tmp"
  fail=$((fail + 1))
fi
echo "run-corpus: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
