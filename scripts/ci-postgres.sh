#!/usr/bin/env bash
# Starts a PostgreSQL server of Debian's `postgresql` package in a fresh directory, for the
# tests that need a separately-run server (the scale-out test). Prints the superuser's URL
# on stdout and nothing else; the server's log and data are under the directory given
# (default: a new temporary one). The port is the first free one from 55432.
# Usage: scripts/ci-postgres.sh [DIR]      start; prints the URL
#        scripts/ci-postgres.sh stop DIR   stop the server started in DIR
#        scripts/ci-postgres.sh restart DIR   restart it (every connection is cut)
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "ci-postgres: Debian's postgresql package is not installed (apt-get install postgresql)" >&2
  exit 1
fi
run() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "${1:-}" = "stop" ]; then
  run "$bin/pg_ctl" -D "$2/data" -m fast stop > /dev/null
  exit 0
fi
if [ "${1:-}" = "restart" ]; then
  run "$bin/pg_ctl" -D "$2/data" -l "$2/server.log" -m fast -w restart > /dev/null
  exit 0
fi
dir=${1:-$(mktemp -d /tmp/outport-pg-XXXXXX)}
port=55432
while (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; do
  port=$((port + 1))
  if [ "$port" -gt 55532 ]; then
    echo "ci-postgres: no free port in 55432-55532" >&2
    exit 1
  fi
done
password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
mkdir -p "$dir"
# initdb refuses to run as root: the server runs as the postgres user when we are root.
if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
printf '%s\n' "$password" > "$dir/pwfile"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir/pwfile"; fi
chmod 600 "$dir/pwfile"
run "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  --pwfile="$dir/pwfile" -E UTF8 --locale=C.UTF-8 > "$dir/initdb.log" 2>&1
rm -f "$dir/pwfile"
run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200" -w start > /dev/null
echo "postgresql://postgres:${password}@127.0.0.1:${port}/postgres"
