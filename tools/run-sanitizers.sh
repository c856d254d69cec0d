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

# TSan: pressarchive's own threads (the progress reporter against the workers' counters).
# The flow graph's message hand-offs go through Debian's uninstrumented libtbb, which TSan
# cannot see: it reports every message passed between nodes. The graph's thread safety
# rests on its shape (serial assemble and store nodes, one engine per thread) and is
# exercised by graph_test under ASan above.
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=ON \
  -DPRESSARCHIVE_SANITIZE=thread -DCMAKE_CXX_FLAGS="-O1" >/dev/null
cmake --build build-tsan -j "$jobs" --target progress_test
TSAN_OPTIONS="halt_on_error=1" ctest --test-dir build-tsan --output-on-failure -R '^progress_test$'
