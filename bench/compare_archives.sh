#!/usr/bin/env bash
# Two programs, the same inputs, the archives compared table by table: what a change to the
# engine must leave as it was (records and their fields, review flags, pages with their
# text and lines, signatures and band keys, clusters, failures, learned boilerplate).
#
#   bench/compare_archives.sh OLD/pressarchive NEW/pressarchive INPUT... 
#
# Each program ingests all INPUTs (--jobs 1, so record ids follow the inputs' order) into
# a fresh SQLite archive; rows are keyed by the source's SHA-256 and path, never by ids or
# times. Prints each table's row count and "identical" or the first differences; exit 0
# when every table is identical, 1 when one differs, 2 on a setup error.
set -euo pipefail
[ $# -ge 3 ] || { sed -n 2,11p "$0" >&2; exit 2; }
old=$1 new=$2; shift 2
for p in "$old" "$new"; do [ -x "$p" ] || { echo "compare_archives: $p: not a program" >&2; exit 2; }; done
command -v sqlite3 >/dev/null || { echo "compare_archives: needs sqlite3" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for side in old new; do
  prog=${!side}
  OMP_THREAD_LIMIT=1 "$prog" ingest "$@" --store "$work/$side.db" --jobs 1 -q >/dev/null 2>"$work/$side.err" || true
done
# One query a table; record ids are replaced by the record's first source (sha256).
key="(SELECT sha256 FROM records r2 WHERE r2.id = %s)"
declare -A QUERIES=(
  [records]="SELECT sha256, format, kind, page_count, title, subtitle, release_date, place, issuer, language, document_type, text, body, ocr_confidence, $(printf "$key" duplicate_of), status, needs_review, review_reasons, duplicate_score, $(printf "$key" revision_of), revision_score, metadata_details FROM records ORDER BY sha256"
  [sources]="SELECT CAST(path AS TEXT), sha256, size, format, $(printf "$key" record_id) FROM sources ORDER BY 1, 2"
  [pages]="SELECT $(printf "$key" record_id), number, method, text, confidence, rotation, skew, alto, error_reason, error, lines FROM pages ORDER BY 1, 2"
  [signatures]="SELECT $(printf "$key" record_id), scheme, hex(signature) FROM near_dup_signatures ORDER BY 1, 2"
  [bands]="SELECT band_key, $(printf "$key" record_id) FROM near_dup_bands ORDER BY 1, 2"
  [failures]="SELECT CAST(path AS TEXT), sha256, stage, reason, message, attempt FROM failures ORDER BY 1, 2"
  [boilerplate]="SELECT issuer, line_key, line, records, state FROM boilerplate_lines ORDER BY 1, 2"
)
status=0
for table in records sources pages signatures bands failures boilerplate; do
  for side in old new; do sqlite3 "$work/$side.db" "${QUERIES[$table]}" >"$work/$side.$table"; done
  rows=$(wc -l <"$work/new.$table")
  if cmp -s "$work/old.$table" "$work/new.$table"; then
    printf '%-12s %6s rows  identical\n' "$table" "$rows"
  else
    printf '%-12s %6s rows  DIFFER (old %s rows)\n' "$table" "$rows" "$(wc -l <"$work/old.$table")"
    diff "$work/old.$table" "$work/new.$table" | head -n 6 | cut -c1-200
    status=1
  fi
done
exit $status
