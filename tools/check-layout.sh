#!/usr/bin/env bash
# Fails when a file includes a folder its own folder's contract does not allow (the
# contracts are at the top of each folder's CMakeLists.txt): an include of the project
# that points the wrong way, or a third-party header outside the folder it belongs to.
# CTest runs it as layout_test.
set -euo pipefail
cd "${1:-$(dirname "$(readlink -f "$0")")/..}"

# Folder -> the project folders it may include besides itself. pipeline/version.h (the
# generated version string) is allowed everywhere.
declare -A may=(
  [stages/core]=""
  [stages/near_dup]="stages/core"
  [stages/metadata/base]="stages/core"
  [stages/metadata/dates]="stages/core stages/metadata/base"
  [stages/metadata]="stages/core stages/metadata/base stages/metadata/dates stages/near_dup"
  [stages/engines/leptonica]=""
  [stages/engines]="stages/core stages/engines/leptonica"
  [stages/ingest]="stages/core stages/engines"
  [stages/store]="stages/core stages/metadata stages/near_dup stages/store/sqlite stages/store/postgres"
  [stages/store/sqlite]="stages/core stages/metadata stages/near_dup stages/store"
  [stages/store/postgres]="stages/core stages/metadata stages/near_dup stages/store"
  [stages/export]="stages/core stages/ingest stages/engines stages/metadata stages/near_dup stages/store"
  [stages/web/services]="stages/core stages/ingest stages/engines stages/store stages/export"
  [stages/web]="stages/core stages/ingest stages/engines stages/metadata stages/near_dup stages/store stages/export stages/web/services"
  # The workers' job queue is PostgreSQL's (store/postgres/job_queue.h).
  [pipeline]="stages/core stages/ingest stages/engines stages/metadata stages/metadata/base stages/near_dup stages/store stages/store/postgres"
  [pipeline/cli]="stages/core stages/ingest stages/engines stages/metadata stages/metadata/base stages/near_dup stages/store stages/store/postgres stages/export stages/web pipeline"
)
# Third-party header (a prefix of the name inside <>) -> the folders that may include it.
declare -A third_party=(
  [leptonica/]="stages/engines stages/engines/leptonica"
  [tesseract/]="stages/engines"
  [poppler-]="stages/engines"
  [PDFDoc.h]="stages/engines"
  [TextOutputDev.h]="stages/engines"
  [qpdf/]="stages/engines stages/export"
  [sqlite3.h]="stages/store/sqlite"
  [pqxx/]="stages/store/postgres"
  [tbb/]="pipeline pipeline/cli"
  [oneapi/tbb/]="pipeline pipeline/cli"
  [httplib.h]="stages/web"
  [CLI/]="pipeline/cli"
  [libxml/]="stages/export"
  [re2/]="stages/metadata stages/metadata/base stages/metadata/dates"
)

allowed() {  # allowed WORD LIST
  local word
  for word in $2; do [[ $word == "$1" ]] && return 0; done
  return 1
}

problems=0
while IFS= read -r file; do
  folder=$(dirname "$file")
  [[ -v may[$folder] ]] || { echo "$file: folder $folder has no contract in tools/check-layout.sh"; problems=$((problems + 1)); continue; }
  while IFS= read -r included; do
    [[ $included == pipeline/version.h ]] && continue
    target=$(dirname "$included")
    [[ $target == "$folder" ]] && continue
    allowed "$target" "${may[$folder]}" ||
      { echo "$file: includes $included ($folder may include: ${may[$folder]:-nothing of the project})"; problems=$((problems + 1)); }
  done < <(sed -nE 's/^#include "((stages|pipeline)\/[^"]+)".*/\1/p' "$file")
  while IFS= read -r header; do
    for prefix in "${!third_party[@]}"; do
      if [[ $header == "$prefix"* ]] && ! allowed "$folder" "${third_party[$prefix]}"; then
        echo "$file: includes <$header> (only ${third_party[$prefix]} may)"
        problems=$((problems + 1))
      fi
    done
  done < <(sed -nE 's/^#include <([^>]+)>.*/\1/p' "$file")
done < <(git ls-files -- 'stages/*.cpp' 'stages/*.h' 'pipeline/*.cpp' 'pipeline/*.h')

if ((problems)); then
  echo "check-layout: $problems include(s) against the folders' contracts"
  exit 1
fi
echo "check-layout: every include follows the folders' contracts"
