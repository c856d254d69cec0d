#!/usr/bin/env bash
# A throwaway PostgreSQL cluster (Debian's postgresql, 15 on Debian 12) for the tests: on 127.0.0.1, a free port, trust auth,
# in a temp dir, run by an unprivileged user (as root: the `postgres` system user of
# Debian's package). One cluster per checkout, so engineers sharing a machine do not meet.
#
#   tools/pg-test-cluster.sh start   # create and start it, print its URI
#   tools/pg-test-cluster.sh uri     # print the URI of the running cluster
#   tools/pg-test-cluster.sh stop    # stop it and delete its files
#
# The URI names the `postgres` database of superuser `pressarchive`; tests create and
# drop their own databases through it (PRESSARCHIVE_TEST_PG).
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
bin="${PRESSARCHIVE_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
dir="${TMPDIR:-/tmp}/pressarchive-pg-$(id -u)-$(printf '%s' "$repo" | md5sum | cut -c1-8)"

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Loopback with trust: no TLS or GSSAPI negotiation to spend connection time on.
uri() { echo "postgresql://pressarchive@127.0.0.1:$(cat "$dir/port")/postgres?sslmode=disable&gssencmode=disable"; }

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  [ -x "$bin/initdb" ] || { echo "pg-test-cluster: $bin/initdb not found (apt-get install postgresql)" >&2; exit 1; }
  if [ -f "$dir/port" ] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    uri
    return
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && { as_owner true; chown postgres: "$dir"; }
  as_owner "$bin/initdb" -D "$dir/data" -U pressarchive --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  # Durability is not what these tests test: skip the fsyncs, keep them fast.
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
  for attempt in $(seq 1 20); do
    port=$(( 54329 + (RANDOM % 2000) ))
    port_is_free "$port" || continue
    sed -i "/^port = /d" "$dir/data/postgresql.conf"
    echo "port = $port" >>"$dir/data/postgresql.conf"
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null 2>&1; then
      echo "$port" | as_owner tee "$dir/port" >/dev/null
      uri
      return
    fi
  done
  echo "pg-test-cluster: could not start PostgreSQL (see $dir/server.log)" >&2
  cat "$dir/server.log" >&2 || true
  exit 1
}

stop() {
  [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  uri) [ -f "$dir/port" ] && uri || { echo "pg-test-cluster: not running" >&2; exit 1; } ;;
  *) echo "usage: $0 start|stop|uri" >&2; exit 2 ;;
esac
