#!/usr/bin/env bash
# Throughput and memory of pressarchive against reference tools, on the same machine,
# in the same run, over the same inputs. Prints one table (median of RUNS runs).
#
#   bench/run.sh            full run (about 12 minutes on 2 cores, and 30 more for placement_bench)
#   bench/run.sh --smoke    a few pages per row, one run: checks the benchmark itself works
#   bench/run.sh --rows     the throughput table only (no memory rows, CER, placement, web,
#                           trust report)
#   BASELINE=OLD/pressarchive bench/run.sh --rows
#                           also runs every pressarchive row with an older program, in the
#                           same rounds (new, old, next row ...), and prints old / new
#   build/bench/web_bench   the web page alone (search and record page p50/p95; --smoke)
#   build/bench/metadata_eval --set build/trust-set/truth.jsonl --store build/trust-set/archive.db --reextract
#                           the trust report alone (after one full run has made the set)
#
# Inputs come from the repository: the scanned pages of the metadata evaluation set
# (tests/eval/docs, 32 scans, 300 DPI, clean and degraded), its born-digital PDFs, and
# two corpus pages with ground truth. CER is reported for both OCR paths on all of those
# scans (ground truth in tests/eval/texts) and the two corpus pages.
# Reference tools (Debian packages, not installed by tools/install-deps.sh):
#   apt-get install -y tesseract-ocr ocrmypdf img2pdf poppler-utils time
# A missing reference tool skips its row. Results and the profile: bench/RESULTS.md,
# bench/PROFILE.md. The machine should be otherwise idle; the rows run in interleaved
# rounds (each row once per round), so the ratios compare tools under the same load.
# The one-page born-digital row needs groff (bench/born_corpus.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
BIN=$ROOT/build/pressarchive
CORES=$(nproc)
SMOKE=0
RUNS=${RUNS:-3}
ROWS_ONLY=0
for arg in "$@"; do
  case $arg in
    --smoke) SMOKE=1; RUNS=1 ;;
    --rows) ROWS_ONLY=1 ;;
    *) echo "bench/run.sh: unknown option $arg (see the comment at its top)" >&2; exit 2 ;;
  esac
done
BASELINE=${BASELINE:-}
[ -z "$BASELINE" ] || [ -x "$BASELINE" ] || { echo "BASELINE=$BASELINE: not a program" >&2; exit 2; }
[ -x "$BIN" ] || { echo "build first: tools/build.sh" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (Debian package time)" >&2; exit 2; }
have() { command -v "$1" >/dev/null 2>&1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/scans" "$WORK/clean" "$WORK/degraded" "$WORK/born"
mapfile -t SCANS < <(ls "$ROOT"/tests/eval/docs/*.png "$ROOT"/tests/eval/docs/*.tif | sort)
mapfile -t BORN < <(ls "$ROOT"/tests/eval/docs/*.pdf | sort)
MANY=400
if [ "$SMOKE" = 1 ]; then SCANS=("${SCANS[@]:0:2}"); BORN=("${BORN[@]:0:2}"); MANY=4; fi
cp "${SCANS[@]}" "$WORK/scans/"
NSCANS=${#SCANS[@]}
# The two halves of the scans by the form their ground truth names: clean scans, on which
# both OCR paths read the same (equal CER), and degraded ones (skewed, noisy), on which
# pressarchive deskews and reads text the CLI drops.
for scan in "${SCANS[@]}"; do
  stem=$(basename "${scan%.*}")
  form=$(sed -n 's/^form: //p' "$ROOT/tests/eval/texts/$stem.txt" 2>/dev/null | head -n 1)
  case "$form" in
    clean-scan) cp "$scan" "$WORK/clean/" ;;
    *) cp "$scan" "$WORK/degraded/" ;;
  esac
done
NCLEAN=$(ls "$WORK/clean" | wc -l)
NDEGRADED=$(ls "$WORK/degraded" | wc -l)

# The same pages as one image-only PDF (for OCRmyPDF and pressarchive's PDF path);
# born-digital pages repeated into one long PDF; and MANY distinct one-page born-digital
# releases, the shape of a press archive (bench/born_corpus.sh, needs groff).
if have img2pdf; then img2pdf "${SCANS[@]}" -o "$WORK/scans.pdf"; fi
repeat=$([ "$SMOKE" = 1 ] && echo 2 || echo 25)
born_list=()
for _ in $(seq "$repeat"); do born_list+=("${BORN[@]}"); done
pdfunite "${born_list[@]}" "$WORK/born.pdf"
NBORN=$(pdfinfo "$WORK/born.pdf" | awk '/^Pages:/ {print $2}')
NMANY=0
# groff-base (pulled in by other packages) has groff without its PDF device: try it.
if have groff && echo | groff -Tpdf >/dev/null 2>&1; then
  "$ROOT/bench/born_corpus.sh" "$MANY" "$WORK/many"
  for f in "$WORK"/many/*.pdf; do NMANY=$((NMANY + $(pdfinfo "$f" | awk '/^Pages:/ {print $2}'))); done
fi

# /usr/bin/time runs programs, not shell functions: the wrapped commands are scripts.
# Each row writes into its own store ($STORE) and output folder ($OUT).
cat >"$WORK/ingest" <<SH
#!/bin/sh
OMP_THREAD_LIMIT=1 exec "$BIN" ingest "\$@" --store "\$STORE" --jobs "$CORES" -q
SH
cat >"$WORK/tess" <<SH
#!/bin/sh
ls "\$1"/* | OMP_THREAD_LIMIT=1 xargs -P "$CORES" -I{} sh -c 'tesseract "\$1" "\$2/\$(basename "\$1")" -l deu+eng >/dev/null 2>&1' _ {} "\$OUT"
SH
cat >"$WORK/pdftotext-each" <<SH
#!/bin/sh
ls "\$1"/*.pdf | xargs -P "$CORES" -I{} sh -c 'pdftotext "\$1" "\$2/\$(basename "\$1").txt"' _ {} "\$OUT"
SH
cat >"$WORK/ingest-baseline" <<SH
#!/bin/sh
OMP_THREAD_LIMIT=1 exec "$BASELINE" ingest "\$@" --store "\$STORE" --jobs "$CORES" -q
SH
chmod +x "$WORK/ingest" "$WORK/ingest-baseline" "$WORK/tess" "$WORK/pdftotext-each"

# Rows: NAME PAGES COMMAND... Every round runs every row once, in this order, so a change
# in the machine's background load hits all tools alike (A B C A B C, not A A A B B B).
ROWS=()
declare -A ROW_PAGES ROW_CMD RATES RATE RSS CPU
add_row() {
  local name=$1 pages=$2; shift 2
  ROWS+=("$name"); ROW_PAGES[$name]=$pages; ROW_CMD[$name]=$(printf '%q ' "$@")
}
add_row pa_images "$NSCANS" "$WORK/ingest" "$WORK/scans"
have tesseract && add_row tesseract "$NSCANS" "$WORK/tess" "$WORK/scans"
add_row pa_clean "$NCLEAN" "$WORK/ingest" "$WORK/clean"
have tesseract && add_row tess_clean "$NCLEAN" "$WORK/tess" "$WORK/clean"
add_row pa_degraded "$NDEGRADED" "$WORK/ingest" "$WORK/degraded"
have tesseract && add_row tess_degraded "$NDEGRADED" "$WORK/tess" "$WORK/degraded"
if [ -f "$WORK/scans.pdf" ]; then
  add_row pa_scanned_pdf "$NSCANS" "$WORK/ingest" "$WORK/scans.pdf"
  have ocrmypdf && add_row ocrmypdf "$NSCANS" ocrmypdf --jobs "$CORES" -l deu+eng -q "$WORK/scans.pdf" "$WORK/ocr.pdf"
fi
if [ "$NMANY" -gt 0 ]; then
  add_row pa_many "$NMANY" "$WORK/ingest" "$WORK/many"
  add_row pdftotext_many "$NMANY" "$WORK/pdftotext-each" "$WORK/many"
fi
add_row pa_born "$NBORN" "$WORK/ingest" "$WORK/born.pdf"
add_row pdftotext "$NBORN" pdftotext "$WORK/born.pdf" "$WORK/born.txt"
# With a baseline, each pressarchive row is followed by the same row of the older program.
if [ -n "$BASELINE" ]; then
  with_baseline=()
  for name in "${ROWS[@]}"; do
    with_baseline+=("$name")
    [[ $name == pa_* ]] || continue
    with_baseline+=("old_$name"); ROW_PAGES[old_$name]=${ROW_PAGES[$name]}
    ROW_CMD[old_$name]=${ROW_CMD[$name]/$WORK\/ingest /$WORK\/ingest-baseline }
  done
  ROWS=("${with_baseline[@]}")
fi

# One run of a row: pages/s appended to RATES, peak RSS and CPU share kept.
measure_once() {
  local name=$1
  export STORE=$WORK/store-$name.db OUT=$WORK/out-$name
  rm -rf "$OUT" "$STORE"*; mkdir -p "$OUT"
  # Wall time to the nanosecond (time's %e counts hundredths: 5 % of a 0.2 s row).
  local start_ns end_ns
  start_ns=$(date +%s%N)
  eval "/usr/bin/time -f '%e %M %U %S' -o '$WORK/time' ${ROW_CMD[$name]}" >/dev/null 2>"$WORK/stderr" ||
    grep -q "^Command exited with non-zero status 3" "$WORK/time" || echo "bench: $name failed: $(tail -n 3 "$WORK/stderr")" >&2
  end_ns=$(date +%s%N)
  read -r _ maxrss user sys < <(tail -n 1 "$WORK/time")
  local wall
  wall=$(awk -v a="$start_ns" -v b="$end_ns" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
  RATES[$name]+="$(awk -v p="${ROW_PAGES[$name]}" -v w="$wall" 'BEGIN { printf "%.3f", p / w }') "
  local rss=$(( maxrss / 1024 ))
  RSS[$name]=$(( rss > ${RSS[$name]:-0} ? rss : ${RSS[$name]:-0} ))
  CPU[$name]=$(awk -v u="$user" -v s="$sys" -v w="$wall" -v c="$CORES" 'BEGIN { printf "%.0f", 100 * (u + s) / w / c }')
}
for round in $(seq "$RUNS"); do
  for name in "${ROWS[@]}"; do measure_once "$name"; done
done
for name in "${ROWS[@]}"; do
  RATE[$name]=$(printf '%s\n' ${RATES[$name]} | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
done

# Memory does not grow with the document: the same page images as a 30- and a 300-page PDF.
if have img2pdf && [ "$ROWS_ONLY" = 0 ]; then
  if [ "$SMOKE" = 1 ]; then short=2; long=6; else short=30; long=300; fi
  pages=(); while [ ${#pages[@]} -lt "$long" ]; do pages+=("${SCANS[@]}"); done
  img2pdf "${pages[@]:0:$short}" -o "$WORK/short.pdf"
  img2pdf "${pages[@]:0:$long}" -o "$WORK/long.pdf"
  add_row pa_short "$short" "$WORK/ingest" "$WORK/short.pdf"
  add_row pa_long "$long" "$WORK/ingest" "$WORK/long.pdf"
  for name in pa_short pa_long; do measure_once "$name"; RATE[$name]=${RATES[$name]% }; done
fi

ratio() { awk -v a="${RATE[$1]:-0}" -v b="${RATE[$2]:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
row() { printf '| %-62s | %8s | %8s | %5s |\n' "$1" "${RATE[$2]:--}" "${RSS[$2]:--}" "${CPU[$2]:--}"; }
echo
echo "machine: $CORES cores; median of $RUNS interleaved round(s); $NSCANS scanned pages ($NCLEAN clean, $NDEGRADED degraded), $NMANY one-page born-digital PDFs, one born-digital PDF of $NBORN pages"
echo "| what                                                           |  pages/s | peak MB  | CPU % |"
echo "|----------------------------------------------------------------|----------|----------|-------|"
row "pressarchive, scanned page images, --jobs $CORES" pa_images
row "tesseract CLI, same images, xargs -P $CORES, OMP_THREAD_LIMIT=1" tesseract
row "pressarchive, the clean scans" pa_clean
row "tesseract CLI, the clean scans" tess_clean
row "pressarchive, the degraded scans" pa_degraded
row "tesseract CLI, the degraded scans" tess_degraded
row "pressarchive, same pages as one image-only PDF" pa_scanned_pdf
row "OCRmyPDF --jobs $CORES -l deu+eng, same PDF" ocrmypdf
row "pressarchive, $NMANY one-page born-digital PDFs (metadata + store)" pa_many
row "pdftotext, same PDFs, xargs -P $CORES" pdftotext_many
row "pressarchive, one born-digital PDF of $NBORN pages" pa_born
row "pdftotext, same PDF" pdftotext
[ "$ROWS_ONLY" = 1 ] || row "pressarchive, image-only PDF of ${short:-?} pages" pa_short
[ "$ROWS_ONLY" = 1 ] || row "pressarchive, image-only PDF of ${long:-?} pages" pa_long
echo
echo "ratios (pressarchive / reference):"
echo "  scanned images vs tesseract CLI:      $(ratio pa_images tesseract)   (target >= 1.10 at equal or better CER)"
echo "    clean scans (equal CER):            $(ratio pa_clean tess_clean)"
echo "    degraded scans (pressarchive deskews): $(ratio pa_degraded tess_degraded)"
echo "  scanned PDF vs OCRmyPDF:              $(ratio pa_scanned_pdf ocrmypdf)   (target >= 2)"
echo "  born-digital, one-page PDFs vs pdftotext: $(ratio pa_many pdftotext_many)   (target >= 0.8)"
echo "  born-digital, one long PDF vs pdftotext:  $(ratio pa_born pdftotext)   (target >= 0.8)"
if [ -n "${RSS[pa_long]:-}" ]; then
  awk -v l="${RSS[pa_long]}" -v s="${RSS[pa_short]}" 'BEGIN { printf "  peak RSS %s pages / %s pages:     %.2f   (target <= 1.2; and <= 600 MB)\n", "long", "short", l / s }'
fi
if [ -n "$BASELINE" ]; then
  echo
  echo "this build / baseline ($BASELINE), pages/s, median of $RUNS interleaved round(s):"
  for name in "${ROWS[@]}"; do
    [[ $name == old_* ]] || continue
    printf '  %-16s %8s / %8s = %s\n' "${name#old_}" "${RATE[${name#old_}]}" "${RATE[$name]}" "$(ratio "${name#old_}" "$name")"
  done
fi
[ "$ROWS_ONLY" = 1 ] && exit 0
"$BIN" export --store "$WORK/store-pa_images.db" >"$WORK/pa_images.jsonl" 2>/dev/null || true

# Accuracy: CER of both OCR paths on pages with ground truth, so speed is never bought
# with accuracy: the benchmark's own scans (tests/eval/texts holds what each page says)
# from the runs above, and two corpus pages.
cat >"$WORK/cer.py" <<'PY'
import json, os, re, sys

def norm(text):
    return " ".join(text.split())

def lev(a, b):
    # Hyyro's bit-vector edit distance: one big-integer step per character of b.
    if not a or not b:
        return len(a) + len(b)
    m = len(a); full = (1 << m) - 1; top = 1 << (m - 1)
    peq = {}
    for i, c in enumerate(a):
        peq[c] = peq.get(c, 0) | (1 << i)
    pv, mv, score = full, 0, m
    for c in b:
        eq = peq.get(c, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & top: score += 1
        elif mh & top: score -= 1
        ph = ((ph << 1) | 1) & full
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
    return score

def eval_truth(stem, texts):
    raw = open(os.path.join(texts, stem + ".txt"), encoding="utf-8").read()
    header, _, page = raw.partition("\n---\n")
    form = re.search(r"^form: (.*)$", header, re.M)
    return norm(re.sub(r"^@\w+ ", "", page, flags=re.M)), form.group(1) if form else "?"

mode = sys.argv[1]
if mode == "eval":
    jsonl, tess_dir, texts = sys.argv[2:5]
    pa = {}
    for line in open(jsonl, encoding="utf-8"):
        rec = json.loads(line)
        for path in rec.get("source_paths", []):
            pa[os.path.splitext(os.path.basename(path))[0]] = rec.get("text", "")
    sums = {}
    for name in sorted(os.listdir(tess_dir)):
        stem = os.path.splitext(os.path.splitext(name)[0])[0]
        if not os.path.exists(os.path.join(texts, stem + ".txt")):
            continue
        gt, form = eval_truth(stem, texts)
        tess = norm(open(os.path.join(tess_dir, name), encoding="utf-8", errors="replace").read())
        ours = norm(pa.get(stem, ""))
        for key in (form, "all"):
            s = sums.setdefault(key, [0, 0, 0, 0])
            s[0] += lev(gt, ours); s[1] += lev(gt, tess); s[2] += len(gt); s[3] += 1
    for key in sorted(sums, key=lambda k: (k == "all", k)):
        e_pa, e_tess, n, pages = sums[key]
        print("  %-28s pressarchive %5.2f %%   tesseract CLI %5.2f %%" %
              ("%s (%d pages)" % (key, pages), 100 * e_pa / n, 100 * e_tess / n))
else:
    gt, pa_txt, tess_txt, label = sys.argv[2:6]
    g = norm(open(gt, encoding="utf-8").read())
    print("  %-28s pressarchive %5.2f %%   tesseract CLI %5.2f %%" % (label,
          100 * lev(g, norm(open(pa_txt, encoding="utf-8").read())) / len(g),
          100 * lev(g, norm(open(tess_txt, encoding="utf-8").read())) / len(g)))
PY
CORPORA=${PRESSARCHIVE_CORPORA:-$ROOT/../shared/corpora}
if have tesseract && have python3; then
  echo
  echo "CER (whitespace collapsed) on pages with ground truth, deu+eng:"
  if [ -d "$WORK/out-tesseract" ] && [ -s "$WORK/pa_images.jsonl" ]; then
    python3 "$WORK/cer.py" eval "$WORK/pa_images.jsonl" "$WORK/out-tesseract" "$ROOT/tests/eval/texts"
  fi
  if [ -d "$CORPORA" ]; then
    for page in tesseract/phototest.tif tesseract/eurotext.tif; do
      img=$CORPORA/scans-gt/$page; gt=${img%.*}.gt.txt
      rm -f "$WORK"/store.db*
      STORE=$WORK/store.db "$WORK/ingest" "$img" >/dev/null || true
      OMP_THREAD_LIMIT=1 "$BIN" export --store "$WORK/store.db" 2>/dev/null | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["text"])' >"$WORK/pa.txt"
      OMP_THREAD_LIMIT=1 tesseract "$img" "$WORK/tess" -l deu+eng >/dev/null 2>&1
      python3 "$WORK/cer.py" page "$gt" "$WORK/pa.txt" "$WORK/tess.txt" "$page"
    done
  fi
fi

# METS export: records/s against pdftoppm rendering the same pages, memory by archive size.
echo
"$ROOT/bench/export_bench.sh" $([ "$SMOKE" = 1 ] && echo --smoke)

# Near-duplicate placement at scale (bench/placement_bench.cpp): one new record placed
# through the store's band lookup into an archive of 10^6 generated records, on SQLite and,
# when tools/pg-test-cluster.sh can start a cluster, on PostgreSQL (--smoke: 5,000 records).
# Filling each archive takes about 15 minutes on 2 cores.
if [ -x "$ROOT/build/bench/placement_bench" ]; then
  echo
  PLACEMENT=$([ "$SMOKE" = 1 ] && echo --smoke || true)
  "$ROOT/build/bench/placement_bench" $PLACEMENT
  PG_WAS_UP=0
  "$ROOT/tools/pg-test-cluster.sh" uri >/dev/null 2>&1 && PG_WAS_UP=1
  PG_DB="placement_bench_$$"
  if PG_URI=$("$ROOT/tools/pg-test-cluster.sh" start 2>/dev/null) && psql "$PG_URI" -qc "CREATE DATABASE $PG_DB"; then
    "$ROOT/build/bench/placement_bench" $PLACEMENT --store "${PG_URI/\/postgres\?//$PG_DB?}" || true
    psql "$PG_URI" -qc "DROP DATABASE $PG_DB WITH (FORCE)" || true
    [ "$PG_WAS_UP" = 1 ] || "$ROOT/tools/pg-test-cluster.sh" stop
  else
    echo "placement (PostgreSQL): skipped, tools/pg-test-cluster.sh could not start a cluster"
  fi
fi

# The web page (bench/web_bench.cpp): search + facets and a record page with its first
# image on 100,000 generated records while a writer archives beside the server
# (--smoke: 2,000 records).
if [ -x "$ROOT/build/bench/web_bench" ]; then
  echo
  if [ "$SMOKE" = 1 ]; then "$ROOT/build/bench/web_bench" --smoke; else "$ROOT/build/bench/web_bench"; fi
fi

# Metadata an archivist can trust (issue #15): the trust set of tools/make-trust-set.py,
# rendered into build/trust-set on first use (about 20 minutes on 2 cores, then kept; the
# archive beside it is OCR'd once and re-read with --reextract), its report per half
# (tuning, heldout). --smoke: the first 4 releases of the same seed, in $WORK.
if [ -x "$ROOT/build/bench/metadata_eval" ] && have groff && have ps2pdf && have convert; then
  echo
  if [ "$SMOKE" = 1 ]; then TRUST=$WORK/trust-set; COUNT=4; else TRUST=$ROOT/build/trust-set; COUNT=320; fi
  if [ ! -s "$TRUST/truth.jsonl" ]; then
    python3 "$ROOT/tools/make-trust-set.py" --out "$TRUST" --count "$COUNT" >/dev/null
    JOBS=$CORES "$ROOT/tools/make-eval-set.sh" "$TRUST" >/dev/null
  fi
  OMP_THREAD_LIMIT=1 "$ROOT/build/bench/metadata_eval" --set "$TRUST/truth.jsonl" --store "$TRUST/archive.db" \
    --reextract | sed -n '/^== /,$p'
fi
