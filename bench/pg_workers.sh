#!/usr/bin/env bash
# Workers on one PostgreSQL archive: 1, 2 and 4 `pressarchive worker` processes over the
# same born-digital corpus (no OCR, so that the database, not Tesseract, is under load).
# Prints documents/s per worker count and the share of the workers' wall time spent
# waiting on the database (queue calls, opening the store, the store stage).
#
#   bench/pg_workers.sh [--docs N] [--runs R]     (default 400 documents, median of 3)
#
# Needs: build/pressarchive (tools/build.sh), groff (typesets the corpus), poppler-utils,
# and PostgreSQL 15 (a throwaway cluster is started by tools/pg-test-cluster.sh unless
# PRESSARCHIVE_BENCH_PG names a server where databases may be created).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
DOCS=400
RUNS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) DOCS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    *) echo "usage: bench/pg_workers.sh [--docs N] [--runs R]" >&2; exit 2 ;;
  esac
done
BIN=$PWD/build/pressarchive
[ -x "$BIN" ] || { echo "bench/pg_workers.sh: build first (tools/build.sh)" >&2; exit 2; }
command -v groff >/dev/null || { echo "bench/pg_workers.sh: needs groff (apt-get install groff)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/pressarchive-pgbench-XXXXXX)
chmod 755 "$WORK"
cleanup() {
  [ -n "${STARTED_CLUSTER:-}" ] && tools/pg-test-cluster.sh stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -n "${PRESSARCHIVE_BENCH_PG:-}" ]; then
  SERVER=$PRESSARCHIVE_BENCH_PG
elif SERVER=$(tools/pg-test-cluster.sh uri 2>/dev/null); then
  :  # this checkout's test cluster is running: use it, leave it running
else
  SERVER=$(tools/pg-test-cluster.sh start)
  STARTED_CLUSTER=1
fi
# A database's URI: the server's, with the database name replaced (query kept).
SERVER_PATH=${SERVER%%\?*}
SERVER_QUERY=${SERVER#"$SERVER_PATH"}
db_uri() { echo "${SERVER_PATH%/*}/$1$SERVER_QUERY"; }

# The corpus: DOCS distinct one-page documents (bench/born_corpus.sh).
bench/born_corpus.sh "$DOCS" "$WORK/corpus"
PAGES=0
for f in "$WORK"/corpus/*.pdf; do PAGES=$((PAGES + $(pdfinfo "$f" | awk '/^Pages:/ {print $2}'))); done

# One run: a fresh database, the corpus enqueued, W workers until the queue is empty.
# Prints "seconds database_share".
run_once() {
  local workers=$1 db="pa_bench_$$_$2_$1"
  psql -q "$SERVER" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
  local uri
  uri=$(db_uri "$db")
  "$BIN" enqueue --store "$uri" "$WORK/corpus" >/dev/null
  local pids=()
  for w in $(seq "$workers"); do
    "$BIN" worker --store "$uri" --until-empty -q -j 1 --name "bench-$w" >"$WORK/worker-$w.log" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || true; done
  local done_jobs
  done_jobs=$(psql -qtA "$uri" -c "SELECT count(*) FROM jobs WHERE state = 'done'")
  [ "$done_jobs" = "$DOCS" ] || { echo "bench/pg_workers.sh: only $done_jobs of $DOCS jobs done" >&2; cat "$WORK"/worker-*.log >&2; exit 1; }
  # Database seconds over busy seconds (wall minus waiting for jobs), summed over workers.
  awk '/^  database / {db += $2} /^  wall time / {wall += $3} /^  idle / {idle += $2}
       END {printf "%.6f\n", (wall - idle > 0 ? db / (wall - idle) : 0)}' "$WORK"/worker-*.log >"$WORK/share"
  # Throughput from the first claim to the last completion, as the queue saw it: a worker
  # that finds the queue empty waits up to poll_seconds before it exits, which is not work.
  local span
  span=$(psql -qtA "$uri" -c "SELECT extract(epoch FROM max(finished_at) - min(started_at)) FROM jobs")
  psql -q "$SERVER" -c "DROP DATABASE $db" >/dev/null
  echo "$span $(cat "$WORK/share")"
}

median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

echo "machine: $(nproc) cores; $DOCS born-digital documents ($PAGES pages); median of $RUNS run(s)"
printf '%-8s %10s %10s %10s %14s\n' workers seconds docs/s speedup "db wait share"
base_rate=""
for workers in 1 2 4; do
  : >"$WORK/times"
  : >"$WORK/shares"
  for r in $(seq "$RUNS"); do
    read -r seconds share < <(run_once "$workers" "$r")
    echo "$seconds" >>"$WORK/times"
    echo "$share" >>"$WORK/shares"
  done
  seconds=$(median <"$WORK/times")
  share=$(median <"$WORK/shares")
  rate=$(echo "$DOCS / $seconds" | bc -l)
  [ -z "$base_rate" ] && base_rate=$rate
  printf '%-8s %10.2f %10.1f %10.2f %13.0f%%\n' "$workers" "$seconds" "$rate" "$(echo "$rate / $base_rate" | bc -l)" \
    "$(echo "$share * 100" | bc -l)"
done
