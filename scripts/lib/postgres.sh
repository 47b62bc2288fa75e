# Sourced by scripts/run, scripts/test and .ci/run: a private PostgreSQL cluster on loopback.
# It never touches the system cluster and never asks for a password (trust on 127.0.0.1 only).
# Settings: COFFEESHOP_PG_PORT (default 55432), COFFEESHOP_PG_DIR (default /tmp/coffeeshop-pg).

PG_PORT="${COFFEESHOP_PG_PORT:-55432}"
PG_DIR="${COFFEESHOP_PG_DIR:-/tmp/coffeeshop-pg}"

pg_bin_dir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

# Runs a PostgreSQL server command as the postgres user when we are root (initdb refuses root).
pg_as_owner() {
  if [ "$(id -u)" = "0" ]; then
    (cd /tmp && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

ensure_postgres_installed() {
  if [ -n "$(pg_bin_dir)" ] && command -v psql >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" = "0" ]; then
    echo "PostgreSQL is missing: installing it from Debian's packages..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-client >/dev/null
  else
    echo "PostgreSQL is not installed. Install it with: sudo apt-get install -y postgresql postgresql-client" >&2
    exit 1
  fi
}

ensure_postgres() {
  ensure_postgres_installed
  local bin; bin="$(pg_bin_dir)"
  mkdir -p "$PG_DIR"
  if [ "$(id -u)" = "0" ]; then chown postgres:postgres "$PG_DIR"; fi
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    pg_as_owner "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  fi
  if ! pg_as_owner "$bin/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
    pg_start || exit 1
  fi
  echo "PostgreSQL: private cluster on 127.0.0.1:$PG_PORT (data in $PG_DIR/data)"
}

# Starts the cluster. The private ports lie inside Linux's ephemeral range (32768-60999), so a client
# connection elsewhere can hold our port as its local end for a moment; the postmaster then cannot bind
# ("Address already in use") and the start is tried again until the port is free (up to a minute).
# .ci/run also reserves the range (ip_local_reserved_ports) where it may.
pg_start() {
  local bin attempt; bin="$(pg_bin_dir)"
  for attempt in $(seq 30); do
    if pg_as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
      -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >/dev/null; then
      return 0
    fi
    tail -n 5 "$PG_DIR/log" 2>/dev/null | grep -q "Address already in use" || return 1
    echo "PostgreSQL: port $PG_PORT is held by another connection for now; trying again (attempt $attempt)" >&2
    sleep 2
  done
  return 1
}

ensure_database() {
  local name="$1"
  if ! psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc "CREATE DATABASE \"$name\"" >/dev/null
  fi
}

connection_string() {
  echo "Host=127.0.0.1;Port=$PG_PORT;Database=$1;Username=postgres"
}

# Succeeds when every host of a PostgreSQL connection string is this machine: 127.x.x.x, ::1, localhost
# or a Unix socket (a directory, or @abstract). scripts/run starts the shop in Development, which migrates
# the database and gives an admin a known password: a production connection string exported in the shell
# must never get that far.
connection_is_local() {
  local part key hosts="" host
  local -a parts list
  IFS=';' read -ra parts <<<"$1"
  for part in "${parts[@]}"; do
    key="$(printf '%s' "${part%%=*}" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]')"
    case "$key" in host|server) hosts="${part#*=}" ;; esac
  done
  [ -n "$hosts" ] || return 1
  IFS=',' read -ra list <<<"$hosts"
  for host in "${list[@]}"; do
    host="$(printf '%s' "$host" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]')"
    case "$host" in
      /*|@*|localhost|localhost:[0-9]*|::1|'[::1]'|'[::1]':[0-9]*) ;;
      *) [[ "$host" =~ ^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(:[0-9]+)?$ ]] || return 1 ;;
    esac
  done
}
