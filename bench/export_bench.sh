#!/usr/bin/env bash
# METS export throughput and memory: `pressarchive export --format mets` of 1,000
# born-digital records and of the 32 scanned records of the evaluation set, against
# pdftoppm rendering the same pages to the same JPEG size (the page images are the bulk
# of the work), and peak memory of 100 against 1,000 records (it must not grow).
#
#   bench/export_bench.sh           full run
#   bench/export_bench.sh --smoke   a few records, one run: checks the benchmark works
#
# Needs poppler-utils and /usr/bin/time (Debian packages); build first (tools/build.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
BIN=$ROOT/build/pressarchive
CORES=$(nproc)
MANY=1000 FEW=100 SCANS=32 RUNS=${RUNS:-3}
[ "${1:-}" = "--smoke" ] && { MANY=20; FEW=5; SCANS=2; RUNS=1; }
[ -x "$BIN" ] || { echo "build first: tools/build.sh" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# MANY distinct born-digital sources: the seed's PDF with a comment after its end, so each
# has its own bytes (they are one release: the archive clusters them, as it would copies).
mkdir -p "$WORK/born" "$WORK/scans"
for i in $(seq 1 "$MANY"); do
  f=$(printf '%s/born/doc%05d.pdf' "$WORK" "$i")
  cp "$ROOT/samples/seed-born-digital.pdf" "$f"
  printf '%% copy %d\n' "$i" >>"$f"
done
mapfile -t SCAN_FILES < <(ls "$ROOT"/tests/eval/docs/*.png "$ROOT"/tests/eval/docs/*.tif | sort)
SCAN_FILES=("${SCAN_FILES[@]:0:$SCANS}")
cp "${SCAN_FILES[@]}" "$WORK/scans/"
(cd "$WORK" && OMP_THREAD_LIMIT=1 "$BIN" ingest born --store born.db -q >/dev/null 2>&1) || true
(cd "$WORK" && OMP_THREAD_LIMIT=1 "$BIN" ingest scans --store scans.db -q >/dev/null 2>&1) || true

# One timed run of a row: its rate (records/s) and peak MB are appended to the row's lists.
declare -A CMD COUNT RATES MBS
ROWS=()
add_row() {
  local name=$1 count=$2; shift 2
  ROWS+=("$name"); COUNT[$name]=$count; CMD[$name]=$(printf '%q ' "$@")
}
measure_once() {
  local name=$1
  rm -rf "$WORK/out" "$WORK/out.csv"
  local start end
  start=$(date +%s%N)
  (cd "$WORK" && eval "/usr/bin/time -f '%M' -o '$WORK/time' ${CMD[$name]}" >/dev/null 2>"$WORK/stderr") ||
    echo "export_bench: $name failed: $(tail -n 3 "$WORK/stderr")" >&2
  end=$(date +%s%N)
  RATES[$name]+="$(awk -v n="${COUNT[$name]}" -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", n / ((b - a) / 1e9) }') "
  MBS[$name]+="$(( $(tail -n 1 "$WORK/time") / 1024 )) "
}
median() { printf '%s\n' $1 | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
few_ids=()
for i in $(seq 1 "$FEW"); do few_ids+=(--id "$i"); done
cat >"$WORK/pdftoppm-each" <<SH
#!/bin/sh
mkdir -p "\$1"; ls born/*.pdf | xargs -P "$CORES" -I{} sh -c 'pdftoppm -gray -jpeg -jpegopt quality=85 -scale-to-x 1500 -scale-to-y -1 "\$1" "\$2/\$(basename "\$1")"' _ {} "\$1"
SH
chmod +x "$WORK/pdftoppm-each"
add_row many "$MANY" "$BIN" export --store born.db --format mets --out out -q
add_row few "$FEW" "$BIN" export --store born.db --format mets --out out -q "${few_ids[@]}"
add_row pdftoppm "$MANY" "$WORK/pdftoppm-each" out
add_row bag "$MANY" "$BIN" export --store born.db --format mets --bag --out out -q
add_row scans "$SCANS" "$BIN" export --store scans.db --format mets --out out -q
add_row csv "$MANY" "$BIN" export --store born.db --format csv --out out.csv
# Interleaved rounds (each row once per round), so a change in the machine's load hits
# every row alike; the median of the rounds is reported.
for _ in $(seq "$RUNS"); do
  for name in "${ROWS[@]}"; do measure_once "$name"; done
done
row() { printf '| %-60s | %9s | %7s |\n' "$1" "$(median "${RATES[$2]}")" "$(median "${MBS[$2]}")"; }
echo "machine: $CORES cores; median of $RUNS interleaved rounds; METS packages with page images (1,500 px JPEG), ALTO 4.4, the PDF"
echo "| what                                                         | records/s | peak MB |"
echo "|--------------------------------------------------------------|-----------|---------|"
row "pressarchive export --format mets, $MANY born-digital records" many
row "pressarchive export --format mets, $FEW of those records" few
row "pdftoppm, the same $MANY PDFs to JPEG at 1,500 px, xargs -P $CORES" pdftoppm
row "pressarchive export --format mets --bag, $MANY records" bag
row "pressarchive export --format mets, $SCANS scanned records" scans
row "pressarchive export --format csv, $MANY records" csv
echo
awk -v a="$(median "${RATES[many]}")" -v b="$(median "${RATES[pdftoppm]}")" \
  'BEGIN { printf "METS export / pdftoppm rendering the same pages: %.2f\n", a / b }'
awk -v a="$(median "${MBS[many]}")" -v b="$(median "${MBS[few]}")" -v m="$MANY" -v f="$FEW" \
  'BEGIN { printf "peak memory, %d records / %d records: %.2f (must not grow with the number of records)\n", m, f, a / b }'
