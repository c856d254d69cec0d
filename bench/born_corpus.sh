#!/usr/bin/env bash
# Typesets N distinct one-page born-digital press releases into DIR (doc00000.pdf ...):
# a title line, a dateline and 30 lines of words drawn at random (fixed seed) from the
# evaluation and dedup texts. Random draws share no sentences, so each document is its
# own release: a run over them measures extraction, metadata and the store, not
# near-duplicate verification of one big cluster.
#
#   bench/born_corpus.sh N DIR        (needs groff and poppler-utils)
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bench/born_corpus.sh N DIR" >&2; exit 2; }
DOCS=$1
DIR=$2
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
command -v groff >/dev/null || { echo "bench/born_corpus.sh: needs groff (apt-get install groff)" >&2; exit 2; }
mkdir -p "$DIR"
WORDS=$(mktemp)
trap 'rm -f "$WORDS"' EXIT
cat "$ROOT"/tests/eval/texts/*.txt "$ROOT"/tests/dedup-set/*.txt | grep -v '^@' | tr -s ' \t' '\n\n' |
  grep -E '^[[:alpha:]äöüÄÖÜß-]{3,}$' >"$WORDS"
awk -v docs="$DOCS" -v dir="$DIR" '
  { w[n++] = $0 }
  END {
    srand(20261126)
    for (d = 0; d < docs; d++) {
      f = sprintf("%s/doc%05d.txt", dir, d)
      line = "";
      for (k = 0; k < 6; k++) line = line w[int(rand() * n)] " "
      print line > f
      printf "Fernhill, %d March 2024\n\n", 1 + d % 28 > f
      for (l = 0; l < 30; l++) {
        line = ""
        for (k = 0; k < 12; k++) line = line w[int(rand() * n)] " "
        print line > f
      }
      close(f)
    }
  }' "$WORDS"
for t in "$DIR"/doc*.txt; do
  groff -k -Tpdf -P-pa4 <"$t" >"${t%.txt}.pdf" 2>/dev/null
  rm "$t"
done
