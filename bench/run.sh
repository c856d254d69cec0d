#!/usr/bin/env bash
# Throughput and memory of pressarchive against reference tools, on the same machine,
# in the same run, over the same inputs. Prints one table (median of RUNS runs).
#
#   bench/run.sh            full run (about 15 minutes on 2 cores)
#   bench/run.sh --smoke    a few pages per row, one run: checks the benchmark itself works
#
# Inputs come from the repository: the scanned pages of the metadata evaluation set
# (tests/eval/docs, 32 scans, 300 DPI, clean and degraded), its born-digital PDFs, and
# two corpus pages with ground truth. CER is reported for both OCR paths on all of those
# scans (ground truth in tests/eval/texts) and the two corpus pages.
# Reference tools (Debian packages, not installed by tools/install-deps.sh):
#   apt-get install -y tesseract-ocr ocrmypdf img2pdf poppler-utils time
# A missing reference tool skips its row. Results and the profile: bench/RESULTS.md,
# bench/PROFILE.md. The machine should be otherwise idle; the ratios compare tools run
# one after another in the same run.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
BIN=$ROOT/build/pressarchive
CORES=$(nproc)
SMOKE=0
RUNS=${RUNS:-3}
[ "${1:-}" = "--smoke" ] && { SMOKE=1; RUNS=1; }
[ -x "$BIN" ] || { echo "build first: tools/build.sh" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (Debian package time)" >&2; exit 2; }
have() { command -v "$1" >/dev/null 2>&1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/scans" "$WORK/born"
mapfile -t SCANS < <(ls "$ROOT"/tests/eval/docs/*.png "$ROOT"/tests/eval/docs/*.tif | sort)
mapfile -t BORN < <(ls "$ROOT"/tests/eval/docs/*.pdf | sort)
if [ "$SMOKE" = 1 ]; then SCANS=("${SCANS[@]:0:2}"); BORN=("${BORN[@]:0:2}"); fi
cp "${SCANS[@]}" "$WORK/scans/"
NSCANS=${#SCANS[@]}

# The same pages as one image-only PDF (for OCRmyPDF and pressarchive's PDF path), and
# born-digital pages repeated into one long PDF (for pdftotext and the text-layer path).
if have img2pdf; then img2pdf "${SCANS[@]}" -o "$WORK/scans.pdf"; fi
repeat=$([ "$SMOKE" = 1 ] && echo 2 || echo 25)
born_list=()
for _ in $(seq "$repeat"); do born_list+=("${BORN[@]}"); done
pdfunite "${born_list[@]}" "$WORK/born.pdf"
NBORN=$(pdfinfo "$WORK/born.pdf" | awk '/^Pages:/ {print $2}')

# measure NAME PAGES CMD...: runs CMD RUNS times; records median pages/s and peak RSS.
declare -A RATE RSS CPU
measure() {
  local name=$1 pages=$2; shift 2
  local rates=() rss=0 cpu=0
  for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/out" "$WORK"/store.db*; mkdir -p "$WORK/out"
    /usr/bin/time -f "%e %M %U %S" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" ||
      grep -q "^Command exited with non-zero status 3" "$WORK/time" || echo "bench: $name failed: $(tail -n 3 "$WORK/stderr")" >&2
    read -r wall maxrss user sys < <(tail -n 1 "$WORK/time")
    rates+=("$(awk -v p="$pages" -v w="$wall" 'BEGIN { printf "%.3f", p / w }')")
    rss=$(( maxrss > rss ? maxrss : rss ))
    cpu=$(awk -v u="$user" -v s="$sys" -v w="$wall" -v c="$CORES" 'BEGIN { printf "%.0f", 100 * (u + s) / w / c }')
  done
  RATE[$name]=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  RSS[$name]=$(( rss / 1024 ))
  CPU[$name]=$cpu
}

# /usr/bin/time runs programs, not shell functions: the two wrapped commands are scripts.
cat >"$WORK/ingest" <<SH
#!/bin/sh
OMP_THREAD_LIMIT=1 exec "$BIN" ingest "\$@" --store "$WORK/store.db" --jobs "$CORES" -q
SH
cat >"$WORK/tess" <<SH
#!/bin/sh
ls "$WORK"/scans/* | OMP_THREAD_LIMIT=1 xargs -P "$CORES" -I{} sh -c 'tesseract "\$1" "\$2/\$(basename "\$1")" -l deu+eng >/dev/null 2>&1' _ {} "$WORK/out"
SH
chmod +x "$WORK/ingest" "$WORK/tess"
ingest() { "$WORK/ingest" "$@"; }

measure pa_images "$NSCANS" "$WORK/ingest" "$WORK/scans"
"$BIN" export --store "$WORK/store.db" >"$WORK/pa_images.jsonl" 2>/dev/null || true
if have tesseract; then
  measure tesseract "$NSCANS" "$WORK/tess"
  cp -r "$WORK/out" "$WORK/tess_out"
fi
if [ -f "$WORK/scans.pdf" ]; then
  measure pa_scanned_pdf "$NSCANS" "$WORK/ingest" "$WORK/scans.pdf"
  if have ocrmypdf; then
    measure ocrmypdf "$NSCANS" ocrmypdf --jobs "$CORES" -l deu+eng -q "$WORK/scans.pdf" "$WORK/out/ocr.pdf"
  fi
fi
measure pa_born "$NBORN" "$WORK/ingest" "$WORK/born.pdf"
measure pdftotext "$NBORN" pdftotext "$WORK/born.pdf" "$WORK/out/born.txt"

# Memory does not grow with the document: the same page images as a 30- and a 300-page PDF.
if have img2pdf; then
  if [ "$SMOKE" = 1 ]; then short=2; long=6; else short=30; long=300; fi
  pages=(); while [ ${#pages[@]} -lt "$long" ]; do pages+=("${SCANS[@]}"); done
  img2pdf "${pages[@]:0:$short}" -o "$WORK/short.pdf"
  img2pdf "${pages[@]:0:$long}" -o "$WORK/long.pdf"
  RUNS_SAVED=$RUNS; RUNS=1
  measure pa_short "$short" "$WORK/ingest" "$WORK/short.pdf"
  measure pa_long "$long" "$WORK/ingest" "$WORK/long.pdf"
  RUNS=$RUNS_SAVED
fi

ratio() { awk -v a="${RATE[$1]:-0}" -v b="${RATE[$2]:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
row() { printf '| %-52s | %8s | %8s | %5s |\n' "$1" "${RATE[$2]:--}" "${RSS[$2]:--}" "${CPU[$2]:--}"; }
echo
echo "machine: $CORES cores; median of $RUNS run(s); $NSCANS scanned pages, $NBORN born-digital pages"
echo "| what                                                 |  pages/s | peak MB  | CPU % |"
echo "|------------------------------------------------------|----------|----------|-------|"
row "pressarchive, scanned page images, --jobs $CORES" pa_images
row "tesseract CLI, same images, xargs -P $CORES, OMP_THREAD_LIMIT=1" tesseract
row "pressarchive, same pages as one image-only PDF" pa_scanned_pdf
row "OCRmyPDF --jobs $CORES -l deu+eng, same PDF" ocrmypdf
row "pressarchive, born-digital PDF (metadata + store)" pa_born
row "pdftotext, same PDF" pdftotext
row "pressarchive, image-only PDF of ${short:-?} pages" pa_short
row "pressarchive, image-only PDF of ${long:-?} pages" pa_long
echo
echo "ratios (pressarchive / reference):"
echo "  scanned images vs tesseract CLI:   $(ratio pa_images tesseract)   (target >= 1.10)"
echo "  scanned PDF vs OCRmyPDF:           $(ratio pa_scanned_pdf ocrmypdf)   (target >= 2)"
echo "  born-digital vs pdftotext:         $(ratio pa_born pdftotext)   (target >= 0.8)"
if [ -n "${RSS[pa_long]:-}" ]; then
  awk -v l="${RSS[pa_long]}" -v s="${RSS[pa_short]}" 'BEGIN { printf "  peak RSS %s pages / %s pages:  %.2f   (target <= 1.2; and <= 600 MB)\n", "long", "short", l / s }'
fi

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
  if [ -d "$WORK/tess_out" ] && [ -s "$WORK/pa_images.jsonl" ]; then
    python3 "$WORK/cer.py" eval "$WORK/pa_images.jsonl" "$WORK/tess_out" "$ROOT/tests/eval/texts"
  fi
  if [ -d "$CORPORA" ]; then
    for page in tesseract/phototest.tif tesseract/eurotext.tif; do
      img=$CORPORA/scans-gt/$page; gt=${img%.*}.gt.txt
      rm -f "$WORK"/store.db*
      ingest "$img" >/dev/null || true
      OMP_THREAD_LIMIT=1 "$BIN" export --store "$WORK/store.db" 2>/dev/null | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["text"])' >"$WORK/pa.txt"
      OMP_THREAD_LIMIT=1 tesseract "$img" "$WORK/tess" -l deu+eng >/dev/null 2>&1
      python3 "$WORK/cer.py" page "$gt" "$WORK/pa.txt" "$WORK/tess.txt" "$page"
    done
  fi
fi
