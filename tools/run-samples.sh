#!/usr/bin/env bash
# README command 1: install, build, and ingest the bundled samples/ into archive.db.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
tools/install-deps.sh
tools/build.sh
set +e
build/pressarchive ingest samples --store "${STORE:-archive.db}"
code=$?
set -e
# 3 = "completed with failures": samples/ holds one deliberately broken file.
[ "$code" -eq 0 ] || [ "$code" -eq 3 ] || exit "$code"
