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
MANY=1000 FEW=100 SCANS=32
[ "${1:-}" = "--smoke" ] && { MANY=${SMOKE_MANY:-20}; FEW=5; SCANS=2; }
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
mapfile -t SCAN_FILES < <(ls "$ROOT"/tests/eval/docs/*.png "$ROOT"/tests/eval/docs/*.tif | sort | head -n "$SCANS")
cp "${SCAN_FILES[@]}" "$WORK/scans/"
(cd "$WORK" && OMP_THREAD_LIMIT=1 "$BIN" ingest born --store born.db -q >/dev/null 2>&1) || true
(cd "$WORK" && OMP_THREAD_LIMIT=1 "$BIN" ingest scans --store scans.db -q >/dev/null 2>&1) || true
ls "$WORK"/born/*.pdf | head -n "$FEW" >"$WORK/few.txt"

# One timed command: records/s (or pages/s), peak MB.
measure() {
  local name=$1 count=$2; shift 2
  rm -rf "$WORK/out"
  local start end
  start=$(date +%s%N)
  (cd "$WORK" && /usr/bin/time -f '%M' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr") ||
    echo "export_bench: $name failed: $(tail -n 3 "$WORK/stderr")" >&2
  end=$(date +%s%N)
  local rate mb
  rate=$(awk -v n="$count" -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", n / ((b - a) / 1e9) }')
  mb=$(( $(tail -n 1 "$WORK/time") / 1024 ))
  printf '| %-58s | %9s | %7s |\n' "$name" "$rate" "$mb"
  LAST_RATE=$rate
}
few_ids=()
for i in $(seq 1 "$FEW"); do few_ids+=(--id "$i"); done
cat >"$WORK/pdftoppm-each" <<SH
#!/bin/sh
mkdir -p "\$1"; ls born/*.pdf | xargs -P "$CORES" -I{} sh -c 'pdftoppm -gray -jpeg -jpegopt quality=85 -scale-to-x 1500 -scale-to-y -1 "\$1" "\$2/\$(basename "\$1")"' _ {} "\$1"
SH
chmod +x "$WORK/pdftoppm-each"

echo "machine: $CORES cores; METS packages with page images (1,500 px JPEG), ALTO 4.4 and the PDF"
echo "| what                                                       | records/s | peak MB |"
echo "|------------------------------------------------------------|-----------|---------|"
measure "pressarchive export --format mets, $MANY born-digital records" "$MANY" \
  "$BIN" export --store born.db --format mets --out out -q
MANY_MB=$(( $(tail -n 1 "$WORK/time") / 1024 )); PA_RATE=$LAST_RATE
measure "pressarchive export --format mets, $FEW of those records" "$FEW" \
  "$BIN" export --store born.db --format mets --out out -q "${few_ids[@]}"
FEW_MB=$(( $(tail -n 1 "$WORK/time") / 1024 ))
measure "pdftoppm, the same $MANY PDFs to JPEG at 1,500 px, xargs -P $CORES" "$MANY" "$WORK/pdftoppm-each" out
PDFTOPPM_RATE=$LAST_RATE
measure "pressarchive export --format mets --bag, $MANY records" "$MANY" \
  "$BIN" export --store born.db --format mets --bag --out out -q
measure "pressarchive export --format mets, $SCANS scanned records" "$SCANS" \
  "$BIN" export --store scans.db --format mets --out out -q
measure "pressarchive export --format csv, $MANY records" "$MANY" \
  "$BIN" export --store born.db --format csv --out out.csv
echo
awk -v a="$PA_RATE" -v b="$PDFTOPPM_RATE" 'BEGIN { printf "METS export / pdftoppm rendering the same pages: %.2f\n", a / b }'
awk -v a="$MANY_MB" -v b="$FEW_MB" -v m="$MANY" -v f="$FEW" \
  'BEGIN { printf "peak memory, %d records / %d records: %.2f (must not grow with the number of records)\n", m, f, a / b }'
