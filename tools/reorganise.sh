#!/usr/bin/env bash
# Moves the flat stages/, pipeline/ and tests/ files into the folders of issue #18 and
# rewrites every reference to them (includes, CMake source lists, documentation).
#
#   tools/reorganise.sh            move what is still at an old path, rewrite references
#   tools/reorganise.sh --rewrite  only rewrite references (for a branch merged after the move)
#   tools/reorganise.sh --map      print the map, "old new" a line
#
# Idempotent: a file already at its new path is left alone, and a rewritten reference no
# longer matches its old path. A file another branch adds at an old flat path: add a line
# to MAP and run the script again. Delete this script once no branch is left from before
# the move.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

MAP='
stages/result.h                     stages/core/result.h
stages/result.cpp                   stages/core/result.cpp
stages/model.h                      stages/core/model.h
stages/model.cpp                    stages/core/model.cpp
stages/text_util.h                  stages/core/text_util.h
stages/text_util.cpp                stages/core/text_util.cpp
stages/page_layout.h                stages/core/page_layout.h
stages/page_layout.cpp              stages/core/page_layout.cpp
stages/pdf_engine.h                 stages/engines/pdf_engine.h
stages/pdf_engine.cpp               stages/engines/pdf_engine.cpp
stages/pdf_scans.h                  stages/engines/pdf_scans.h
stages/pdf_scans.cpp                stages/engines/pdf_scans.cpp
stages/pdf_scans_module.cpp         stages/engines/pdf_scans_qpdf.cpp
stages/image_engine.h               stages/engines/image_engine.h
stages/image_engine.cpp             stages/engines/image_engine.cpp
stages/area_map_rotation.h          stages/engines/area_map_rotation.h
stages/area_map_rotation.cpp        stages/engines/area_map_rotation.cpp
stages/ocr_engine.h                 stages/engines/ocr_engine.h
stages/ocr_engine.cpp               stages/engines/ocr_engine.cpp
stages/tesseract_module.cpp         stages/engines/tesseract_module.cpp
stages/modules.h                    stages/engines/modules.h
stages/modules.cpp                  stages/engines/modules.cpp
stages/page_pix.h                   stages/engines/page_pix.h
stages/leptonica_overrides.cpp      stages/engines/leptonica/leptonica_overrides.cpp
stages/leptonica_checks.h           stages/engines/leptonica/leptonica_checks.h
stages/leptonica_checks.cpp         stages/engines/leptonica/leptonica_checks.cpp
stages/leptonica_answers.h          stages/engines/leptonica/leptonica_answers.h
stages/brick_morphology.h           stages/engines/leptonica/brick_morphology.h
stages/brick_morphology.cpp         stages/engines/leptonica/brick_morphology.cpp
stages/foreground_scan.h            stages/engines/leptonica/foreground_scan.h
stages/foreground_scan.cpp          stages/engines/leptonica/foreground_scan.cpp
stages/discover.h                   stages/ingest/discover.h
stages/discover.cpp                 stages/ingest/discover.cpp
stages/load.h                       stages/ingest/load.h
stages/load.cpp                     stages/ingest/load.cpp
stages/triage.h                     stages/ingest/triage.h
stages/triage.cpp                   stages/ingest/triage.cpp
stages/preprocess.h                 stages/ingest/preprocess.h
stages/preprocess.cpp               stages/ingest/preprocess.cpp
stages/recognize.h                  stages/ingest/recognize.h
stages/recognize.cpp                stages/ingest/recognize.cpp
stages/assemble.h                   stages/ingest/assemble.h
stages/assemble.cpp                 stages/ingest/assemble.cpp
stages/rules.h                      stages/metadata/rules.h
stages/rules.cpp                    stages/metadata/rules.cpp
stages/dates.h                      stages/metadata/dates.h
stages/dates.cpp                    stages/metadata/dates.cpp
stages/boilerplate.h                stages/metadata/boilerplate.h
stages/boilerplate.cpp              stages/metadata/boilerplate.cpp
stages/language.h                   stages/metadata/language.h
stages/language.cpp                 stages/metadata/language.cpp
stages/line_text.h                  stages/metadata/line_text.h
stages/line_text.cpp                stages/metadata/line_text.cpp
stages/header_lines.h               stages/metadata/header_lines.h
stages/header_lines.cpp             stages/metadata/header_lines.cpp
stages/dateline.h                   stages/metadata/dateline.h
stages/dateline.cpp                 stages/metadata/dateline.cpp
stages/headline.h                   stages/metadata/headline.h
stages/headline.cpp                 stages/metadata/headline.cpp
stages/persons.h                    stages/metadata/persons.h
stages/persons.cpp                  stages/metadata/persons.cpp
stages/issuer.h                     stages/metadata/issuer.h
stages/issuer.cpp                   stages/metadata/issuer.cpp
stages/learned_boilerplate.h        stages/metadata/learned_boilerplate.h
stages/learned_boilerplate.cpp      stages/metadata/learned_boilerplate.cpp
stages/metadata.h                   stages/metadata/metadata.h
stages/metadata.cpp                 stages/metadata/metadata.cpp
stages/metadata_line.h              stages/metadata/metadata_line.h
stages/dedup.h                      stages/near_dup/dedup.h
stages/dedup.cpp                    stages/near_dup/dedup.cpp
stages/clusters.h                   stages/near_dup/clusters.h
stages/clusters.cpp                 stages/near_dup/clusters.cpp
stages/near_duplicates.h            stages/near_dup/near_duplicates.h
stages/near_duplicates.cpp          stages/near_dup/near_duplicates.cpp
stages/signature_text.h             stages/near_dup/signature_text.h
stages/signature_text.cpp           stages/near_dup/signature_text.cpp
stages/archive_store.h              stages/store/archive_store.h
stages/archive_store.cpp            stages/store/archive_store.cpp
stages/store_common.h               stages/store/store_common.h
stages/store_common.cpp             stages/store/store_common.cpp
stages/store_access.h               stages/store/store_access.h
stages/store_access.cpp             stages/store/store_access.cpp
stages/sqlite_learned_boilerplate.h stages/store/sqlite/sqlite_learned_boilerplate.h
stages/sqlite_learned_boilerplate.cpp stages/store/sqlite/sqlite_learned_boilerplate.cpp
stages/sqlite_schema.cpp            stages/store/sqlite/sqlite_schema.cpp
stages/sqlite_store.h               stages/store/sqlite/sqlite_store.h
stages/sqlite_store_impl.h          stages/store/sqlite/sqlite_store_impl.h
stages/sqlite_store_browse.cpp      stages/store/sqlite/sqlite_store_browse.cpp
stages/sqlite_store_read.cpp        stages/store/sqlite/sqlite_store_read.cpp
stages/sqlite_store_write.cpp       stages/store/sqlite/sqlite_store_write.cpp
stages/pg_learned_boilerplate.cpp   stages/store/postgres/pg_learned_boilerplate.cpp
stages/pg_schema.cpp                stages/store/postgres/pg_schema.cpp
stages/pg_store.h                   stages/store/postgres/pg_store.h
stages/pg_store.cpp                 stages/store/postgres/pg_store.cpp
stages/pg_store_impl.h              stages/store/postgres/pg_store_impl.h
stages/pg_store_browse.cpp          stages/store/postgres/pg_store_browse.cpp
stages/pg_store_read.cpp            stages/store/postgres/pg_store_read.cpp
stages/pg_store_write.cpp           stages/store/postgres/pg_store_write.cpp
stages/postgres_module.cpp          stages/store/postgres/postgres_module.cpp
stages/job_queue.h                  stages/store/postgres/job_queue.h
stages/job_queue.cpp                stages/store/postgres/job_queue.cpp
stages/jsonl_writer.h               stages/export/jsonl_writer.h
stages/jsonl_writer.cpp             stages/export/jsonl_writer.cpp
stages/record_writer.h              stages/export/record_writer.h
pipeline/main.cpp                   pipeline/cli/main.cpp
pipeline/commands.h                 pipeline/cli/commands.h
pipeline/commands.cpp               pipeline/cli/commands.cpp
pipeline/boilerplate_command.cpp    pipeline/cli/boilerplate_command.cpp
pipeline/export_command.h           pipeline/cli/export_command.h
pipeline/export_command.cpp         pipeline/cli/export_command.cpp
pipeline/serve.h                    pipeline/cli/serve.h
pipeline/serve.cpp                  pipeline/cli/serve.cpp
tests/discover_test.cpp             tests/ingest/discover_test.cpp
tests/triage_test.cpp               tests/ingest/triage_test.cpp
tests/load_test.cpp                 tests/ingest/load_test.cpp
tests/preprocess_ocr_test.cpp       tests/ingest/preprocess_ocr_test.cpp
tests/pdf_scans_test.cpp            tests/engines/pdf_scans_test.cpp
tests/borders_test.cpp              tests/engines/borders_test.cpp
tests/bitmap_test.cpp               tests/engines/bitmap_test.cpp
tests/dates_test.cpp                tests/metadata/dates_test.cpp
tests/metadata_test.cpp             tests/metadata/metadata_test.cpp
tests/issuer_test.cpp               tests/metadata/issuer_test.cpp
tests/learned_boilerplate_test.cpp  tests/metadata/learned_boilerplate_test.cpp
tests/dedup_test.cpp                tests/near_dup/dedup_test.cpp
tests/near_duplicates_test.cpp      tests/near_dup/near_duplicates_test.cpp
tests/signature_text_test.cpp       tests/near_dup/signature_text_test.cpp
tests/store_test.cpp                tests/store/store_test.cpp
tests/store_race_test.cpp           tests/store/store_race_test.cpp
tests/store_faults_test.cpp         tests/store/store_faults_test.cpp
tests/job_queue_test.cpp            tests/store/job_queue_test.cpp
tests/jsonl_test.cpp                tests/export/jsonl_test.cpp
tests/config_test.cpp               tests/pipeline/config_test.cpp
tests/graph_test.cpp                tests/pipeline/graph_test.cpp
tests/progress_test.cpp             tests/pipeline/progress_test.cpp
tests/web_test.cpp                  tests/web/web_test.cpp
tests/ingest_e2e_test.cpp           tests/e2e/ingest_e2e_test.cpp
tests/archivist_e2e_test.cpp        tests/e2e/archivist_e2e_test.cpp
tests/learned_boilerplate_e2e_test.cpp tests/e2e/learned_boilerplate_e2e_test.cpp
tests/resume_after_kill_test.cpp    tests/e2e/resume_after_kill_test.cpp
tests/corpus_test.cpp               tests/e2e/corpus_test.cpp
tests/worker_e2e_test.cpp           tests/e2e/worker_e2e_test.cpp
stages/signature_v2.h               stages/near_dup/signature_v2.h
stages/signature_v2.cpp             stages/near_dup/signature_v2.cpp
stages/sqlite_store_signatures.cpp  stages/store/sqlite/sqlite_store_signatures.cpp
stages/pg_store_signatures.cpp      stages/store/postgres/pg_store_signatures.cpp
tests/signature_v2_test.cpp         tests/near_dup/signature_v2_test.cpp
stages/place.h                      stages/metadata/place.h
stages/place.cpp                    stages/metadata/place.cpp
tests/place_review_test.cpp         tests/metadata/place_review_test.cpp
stages/byte_regex.h                 stages/metadata/byte_regex.h
stages/byte_regex.cpp               stages/metadata/byte_regex.cpp
stages/placement.h                  stages/store/placement.h
stages/placement.cpp                stages/store/placement.cpp
tests/clusters_test.cpp             tests/near_dup/clusters_test.cpp
'

# The test helpers stay in tests/ (and export/package_checks.h in tests/export/); a test
# moved one folder down includes them as "../x.h".
TEST_HELPERS='test_paths.h test_inputs.h ingest_in_process.h store_backends.h child_process.h text_pdf.h'

map() { printf '%s\n' "$MAP" | awk 'NF == 2'; }

if [[ "${1:-}" == --map ]]; then map; exit 0; fi

if [[ "${1:-}" != --rewrite ]]; then
  while read -r old new; do
    if [[ -e "$old" && ! -e "$new" ]]; then
      mkdir -p "$(dirname "$new")"
      git mv "$old" "$new"
      if [[ "$new" == tests/*/*.cpp ]]; then
        for helper in $TEST_HELPERS; do
          sed -i "s|^#include \"$helper\"|#include \"../$helper\"|" "$new"
        done
        sed -i 's|^#include "export/|#include "../export/|' "$new"
      fi
    fi
  done < <(map)
fi

# Every tracked text file that may name a path: sources, CMake, scripts, documentation.
mapfile -t files < <(git ls-files -- '*.cpp' '*.h' '*.in' '*.txt' '*.cmake' '*.md' '*.sh' '*.py' \
                       '.ci/*' ':!:tests/eval/**' ':!:tests/dedup-set/**' ':!:fuzz/corpus/**' \
                       ':!:tools/reorganise.sh')
script=()
while read -r old new; do
  o=${old//./\\.}
  # A path, not the tail of a longer one ("x/stages/a.h" or "stages/a.hpp" stay), or after
  # a CMake variable ("${CMAKE_SOURCE_DIR}/stages/a.cpp").
  script+=(-e "s#(^|[^A-Za-z0-9_/.]|[}]/)$o([^A-Za-z0-9_]|\$)#\\1$new\\2#g")
done < <(map)
for f in "${files[@]}"; do
  [[ -f "$f" ]] && sed -E -i "${script[@]}" "$f"
done

# CTest entries in tests/CMakeLists.txt name a test by its path without .cpp.
while read -r old new; do
  if [[ "$old" == tests/*_test.cpp ]]; then
    o=${old#tests/}; o=${o%.cpp}; n=${new#tests/}; n=${n%.cpp}
    sed -E -i "s#^(  )$o\$#\\1$n#" tests/CMakeLists.txt
    # A test with an add_executable of its own names its source file.
    sed -E -i "s#^(add_executable\([a-z_]+ )${o}\.cpp #\\1$n.cpp #" tests/CMakeLists.txt
  fi
done < <(map)
