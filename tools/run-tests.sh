#!/usr/bin/env bash
# README command 2 (and what CI runs): install, build, run the whole test suite.
# The store tests run against SQLite and against a throwaway PostgreSQL cluster
# (tools/pg-test-cluster.sh), started here and stopped on exit.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
tools/install-deps.sh
tools/build.sh
PRESSARCHIVE_TEST_PG="$(tools/pg-test-cluster.sh start)" ||
  { echo "run-tests: the PostgreSQL test cluster did not start (above: why)" >&2; exit 1; }
export PRESSARCHIVE_TEST_PG
trap 'tools/pg-test-cluster.sh stop' EXIT
ctest --test-dir build --output-on-failure -j "$(nproc)"
tools/run-sanitizers.sh
