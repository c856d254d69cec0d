#!/usr/bin/env bash
# README command 2 (and what CI runs): install, build, run the whole test suite.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
tools/install-deps.sh
tools/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
tools/run-sanitizers.sh
