#!/usr/bin/env bash
# Builds pressarchive in Release mode into build/ (tests included).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON >/dev/null
cmake --build build -j "$(nproc)"
