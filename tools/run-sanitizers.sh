#!/usr/bin/env bash
# The test suite again under AddressSanitizer + UndefinedBehaviorSanitizer, and the
# multi-threaded tests under ThreadSanitizer, each in its own build directory.
# Part of the README's test command (tools/run-tests.sh).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
jobs=$(nproc)

# ASan + UBSan: every test (Tesseract, Poppler and Leptonica are not instrumented;
# our code and its calls into them are). Leaks are reported by LeakSanitizer.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=ON \
  -DPRESSARCHIVE_SANITIZE=address,undefined -DCMAKE_CXX_FLAGS="-O1" >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp" \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"

# TSan: the multi-threaded tests. progress_test (the reporter against the workers'
# counters), graph_test (failure injection through the real flow graph, 4 workers) and
# ingest_e2e_test (the samples through the whole pipeline with 3 workers, in-process and
# through the binary). TSan sees only instrumented code: against Debian's libtbb it takes
# every message passed between flow-graph nodes for a race, because the hand-off (a task
# spawned on one worker and run on another, task memory recycled by libtbb's pool)
# happens in uninstrumented atomics. So these tests link a libtbb built from Debian's
# own source with -fsanitize=thread (tools/build-onetbb-tsan.sh; about a minute of one
# core, once per libtbb version, cached in ~/.cache/pressarchive). No suppressions: a
# race in our code, in a node body or between nodes, is reported and fails the test.
tbb_dir=$(tools/build-onetbb-tsan.sh)
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=ON \
  -DPRESSARCHIVE_SANITIZE=thread -DCMAKE_CXX_FLAGS="-O1" -DTBB_DIR="$tbb_dir" >/dev/null
tsan_tests=(progress_test graph_test ingest_e2e_test)
cmake --build build-tsan -j "$jobs" --target "${tsan_tests[@]}" pressarchive
# The instrumented libtbb, not Debian's, or every hand-off is a false report again.
for binary in build-tsan/tests/graph_test build-tsan/pressarchive; do
  [[ "$(ldd "$binary")" == *"${tbb_dir%/lib/cmake/TBB}/lib/libtbb"* ]] ||
    { echo "$binary does not load the instrumented libtbb" >&2; exit 1; }
done
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  ctest --test-dir build-tsan --output-on-failure -j "$jobs" -R "^($(IFS='|'; echo "${tsan_tests[*]}"))\$"
