#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on loopback, as a non-root user, in a temporary directory.
#   eval "$(.ci/postgres.sh start)"   -> exports TEST_DATABASE_URL and PG_TMP
#   .ci/postgres.sh stop "$PG_TMP"
set -euo pipefail

find_bin() {
  local found
  found=$(dpkg -L postgresql-15 2>/dev/null | grep '/bin/initdb$' | head -n1 || true)
  [ -z "$found" ] && found=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1 || true)
  if [ -z "$found" ] && command -v apt-get >/dev/null; then
    echo "installing postgresql-15 ..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15) >&2
    found=$(dpkg -L postgresql-15 | grep '/bin/initdb$' | head -n1)
  fi
  [ -n "$found" ] || { echo "PostgreSQL server programs not found" >&2; exit 1; }
  dirname "$found"
}

as_db_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    bin=$(find_bin)
    tmp=$(mktemp -d /tmp/opencup-pg.XXXXXX)
    chmod 755 "$tmp"
    [ "$(id -u)" = 0 ] && chown postgres "$tmp"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_db_user "$bin/initdb" -D "$tmp/db" -A trust -U postgres >"$tmp/initdb.log" 2>&1 \
      || { cat "$tmp/initdb.log" >&2; exit 1; }
    as_db_user "$bin/pg_ctl" -D "$tmp/db" -o "-p $port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off" \
      -l "$tmp/log" -w start >&2 || { cat "$tmp/log" >&2; exit 1; }
    echo "$bin" >"$tmp/bin"
    echo "export PG_TMP=$tmp"
    echo "export TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    tmp=${2:?usage: stop DIR}
    [ -f "$tmp/bin" ] && as_db_user "$(cat "$tmp/bin")/pg_ctl" -D "$tmp/db" -m fast -w stop >&2 || true
    rm -rf "$tmp"
    ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
