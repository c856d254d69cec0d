#!/usr/bin/env bash
# Pages without a dark border: text and ALTO byte-identical with border clearing on and
# off (issue #19). Ingests the scans of the metadata evaluation set (tests/eval/docs, PNG
# and TIFF: none has a border) and the sample scans twice, [preprocess] clear_borders =
# true, then false, each into its own archive; exports both as METS packages without
# images; compares every page's ALTO file byte for byte and each record's text and fields
# (JSON Lines export, the run-dependent fields left out), record by record (by content hash).
#
#   bench/borderless_identical.sh        exit 0: identical, 1: a page differs, 2: setup
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
BIN=$ROOT/build/bin/pressarchive
[ -x "$BIN" ] || { echo "build first: tools/build.sh" >&2; exit 2; }
command -v jq >/dev/null || { echo "needs jq" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/scans"
cp "$ROOT"/tests/eval/docs/*.png "$ROOT"/tests/eval/docs/*.tif "$WORK/scans/"
cp "$ROOT"/samples/*.png "$ROOT"/samples/*.tif "$WORK/scans/" 2>/dev/null || true
PAGES=$(ls "$WORK/scans" | wc -l)
for mode in true false; do
  printf '[preprocess]\nclear_borders = %s\n' "$mode" >"$WORK/$mode.toml"
  OMP_THREAD_LIMIT=1 "$BIN" ingest "$WORK/scans" --config "$WORK/$mode.toml" \
    --store "$WORK/$mode.db" -q || [ $? -eq 3 ]
  "$BIN" export --format mets --no-images -q -o "$WORK/$mode.mets" --store "$WORK/$mode.db"
  # Each record's text and fields, keyed by its content hash: ids depend on the order the
  # workers finished in, so ids (and the links that hold ids) become hashes, and the
  # run-dependent fields are left out. ids.tsv: id, hash (where its METS package is).
  "$BIN" export --format jsonl -q --store "$WORK/$mode.db" >"$WORK/$mode.raw.jsonl"
  jq -r '[.id, .sha256] | @tsv' "$WORK/$mode.raw.jsonl" >"$WORK/$mode.ids.tsv"
  jq -cS -s '(map({key: (.id | tostring), value: .sha256}) | from_entries) as $sha | .[] |
      .duplicate_of |= (if . == null then . else $sha[tostring] end) |
      .revision_of |= (if . == null then . else $sha[tostring] end) |
      del(.id, .run_id, .created_at, .updated_at, .archived_at, .provenance, .timings)' \
    "$WORK/$mode.raw.jsonl" | sort >"$WORK/$mode.jsonl"
done
status=0
alto=0
# The same source's package in both archives (by content hash), every ALTO file byte for
# byte; METS headers carry the creation time and are not compared.
while IFS=$'\t' read -r id sha; do
  other=$(awk -F'\t' -v sha="$sha" '$2 == sha { print $1 }' "$WORK/false.ids.tsv")
  [ -n "$other" ] || { echo "missing with clearing off: $sha"; status=1; continue; }
  mine=$(cd "$WORK/true.mets/$id" && find . -path '*/alto/*.xml' | sort)
  theirs=$(cd "$WORK/false.mets/$other" && find . -path '*/alto/*.xml' | sort)
  [ "$mine" = "$theirs" ] || { echo "other ALTO files: record $id / $other"; status=1; }
  for file in $mine; do
    alto=$((alto + 1))
    cmp -s "$WORK/true.mets/$id/$file" "$WORK/false.mets/$other/$file" ||
      { echo "differs: $sha $file"; status=1; }
  done
done <"$WORK/true.ids.tsv"
[ "$alto" -gt 0 ] || { echo "no ALTO files exported" >&2; exit 2; }
records=$(wc -l <"$WORK/true.jsonl")
cmp -s "$WORK/true.jsonl" "$WORK/false.jsonl" || {
  echo "record text or fields differ:"
  diff "$WORK/true.jsonl" "$WORK/false.jsonl" | head -n 20
  status=1
}
echo "pages without a border ($PAGES scans, $records records, $alto ALTO files): text and ALTO" \
  "$([ $status = 0 ] && echo identical || echo DIFFER) with border clearing on and off"
exit $status
