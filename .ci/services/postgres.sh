# PostgreSQL from Debian's packages (`postgresql` in ../apt-packages): a throwaway cluster for
# the tests of the PostgreSQL store and of many nodes sharing one index.
#
# initdb's a cluster in a temporary folder, starts it on 127.0.0.1 on a free port (and a Unix
# socket in that folder only), as the `postgres` user when run as root (postgres refuses to run
# as root), creates the database `feedsvc_test` and exports
#   FEEDSVC_TEST_POSTGRES_URL=postgresql://feedsvc@127.0.0.1:PORT/feedsvc_test
# which tests/conftest.py reads. When anything fails it says why on one line, exports nothing,
# and the PostgreSQL tests skip with that reason. The cluster is stopped when the sourcing
# shell exits. Sourced by .ci/run (set -euo pipefail is on there): no `exit`, no failing command
# outside an `if`.
#
# synchronous_commit = off: a commit does not wait for its WAL to reach the disk (a crash may
# lose the last commits, never corrupt), which is what the SQLite index does (WAL with
# synchronous = NORMAL). Everything else is PostgreSQL's default.
_feedsvc_pg_start() {
  local bin user dir port
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "postgres: no initdb under /usr/lib/postgresql (Debian package postgresql): PostgreSQL tests skip" >&2
    return 0
  fi
  user=$(id -un)
  if [ "$(id -u)" = 0 ]; then
    user=postgres
    if ! id "$user" >/dev/null 2>&1; then
      echo "postgres: running as root and there is no 'postgres' user to run the server: PostgreSQL tests skip" >&2
      return 0
    fi
  fi
  dir=$(mktemp -d "${TMPDIR:-/tmp}/feedsvc-pg.XXXXXX")
  chmod 755 "$dir"
  if [ "$user" != "$(id -un)" ]; then chown "$user" "$dir"; fi
  _feedsvc_pg_as() { if [ "$(id -un)" = "$1" ]; then shift; "$@"; else runuser -u "$1" -- "${@:2}"; fi; }
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if ! _feedsvc_pg_as "$user" "$bin/initdb" -D "$dir/data" -U feedsvc --auth=trust -E UTF8 --locale=C \
      >"$dir/initdb.log" 2>&1; then
    echo "postgres: initdb failed (see $dir/initdb.log): PostgreSQL tests skip" >&2
    return 0
  fi
  if ! _feedsvc_pg_as "$user" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c synchronous_commit=off" \
      start >/dev/null 2>&1; then
    echo "postgres: the server did not start (see $dir/server.log): PostgreSQL tests skip" >&2
    return 0
  fi
  # Stop it when the shell that sourced this exits, after whatever was set to run then.
  local previous
  previous=$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//")
  # shellcheck disable=SC2064
  trap "${previous:+$previous; }_feedsvc_pg_as '$user' '$bin/pg_ctl' -D '$dir/data' -m fast -w stop >/dev/null 2>&1; rm -rf '$dir'" EXIT
  if ! "$bin/createdb" -h 127.0.0.1 -p "$port" -U feedsvc feedsvc_test >/dev/null 2>&1; then
    echo "postgres: createdb failed (see $dir/server.log): PostgreSQL tests skip" >&2
    return 0
  fi
  export FEEDSVC_TEST_POSTGRES_URL="postgresql://feedsvc@127.0.0.1:$port/feedsvc_test"
  echo "postgres: $("$bin/postgres" --version) at $FEEDSVC_TEST_POSTGRES_URL (data in $dir)"
}
_feedsvc_pg_start
