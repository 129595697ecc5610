# shellcheck shell=bash
# PostgreSQL helpers for the run and test commands: install, create a cluster, start and stop it,
# create the ledger's roles. Sourced, not run. Works as root (PostgreSQL then runs as the
# `postgres` OS user, which initdb requires) and as an ordinary user.

pg_log() { printf '[postgres] %s\n' "$*" >&2; }

# Finds the PostgreSQL binaries, installing the Debian package when none is present.
pg_ensure_installed() {
  local dir
  for dir in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -Vr); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      PG_BIN="$dir"
      export PG_BIN
      return 0
    fi
  done
  if [ "$(id -u)" -ne 0 ]; then
    pg_log "PostgreSQL is not installed and this user cannot install it: run 'sudo apt-get install -y postgresql'."
    return 1
  fi
  pg_log "installing the postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
  # The package starts a system cluster on 5432; ours run on their own ports, so leave it be.
  pg_ensure_installed
}

# Runs a command as the OS user that owns the clusters.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Can the cluster's OS user create and use a folder at this path?
pg_path_usable() {
  local dir="$1" probe
  probe="$dir"
  while [ ! -e "$probe" ]; do probe="$(dirname "$probe")"; done
  if [ "$(id -u)" -ne 0 ]; then
    [ -w "$probe" ]
    return
  fi
  # The postgres user must be able to traverse every parent folder.
  runuser -u postgres -- test -x "$probe"
}

# Prints a free TCP port on 127.0.0.1.
pg_free_port() {
  python3 - <<'PY' 2>/dev/null && return 0
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
  local port
  for port in $(seq 55500 55999); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# pg_init_cluster DIR PORT: creates the cluster in DIR/data once; the superuser password lives in
# DIR/superuser.password (readable only by its owner).
pg_init_cluster() {
  local dir="$1" port="$2"
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"
  if [ ! -s "$dir/superuser.password" ]; then
    pg_as_owner sh -c "umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > '$dir/superuser.password'"
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    pg_log "creating a cluster in $dir/data"
    pg_as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --pwfile="$dir/superuser.password" \
      -E UTF8 --locale=C.UTF-8 --auth-local=peer --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 || {
        pg_log "initdb failed:"; tail -20 "$dir/initdb.log" >&2; return 1; }
  fi
  pg_as_owner sh -c "cat > '$dir/data/postgresql.auto.conf'" <<CONF
# Written by deploy/lib/postgres.sh: loopback only, sockets inside the cluster folder.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = '256MB'
logging_collector = off
CONF
}

# pg_start DIR: starts the cluster, waiting until it accepts connections.
pg_start() {
  local dir="$1"
  if pg_is_running "$dir"; then return 0; fi
  pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null || {
    pg_log "PostgreSQL did not start; the end of its log:"; tail -30 "$dir/postgres.log" >&2; return 1; }
}

pg_is_running() {
  local dir="$1"
  [ -f "$dir/data/PG_VERSION" ] && pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

pg_stop() {
  local dir="$1"
  if pg_is_running "$dir"; then
    pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

# pg_admin_connection DIR PORT: the superuser's Npgsql connection string.
pg_admin_connection() {
  local dir="$1" port="$2"
  printf 'Host=127.0.0.1;Port=%s;Username=postgres;Password=%s;Database=postgres' "$port" "$(pg_as_owner cat "$dir/superuser.password")"
}

# pg_psql DIR PORT [psql args]: psql as the superuser over TCP.
pg_psql() {
  local dir="$1" port="$2"
  shift 2
  PGPASSWORD="$(pg_as_owner cat "$dir/superuser.password")" "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres \
    -v ON_ERROR_STOP=1 -q -X "$@"
}

# pg_ensure_roles_and_db DIR PORT DBNAME: the ledger's two roles (owner: migrations; app: reads and
# appends) and its database, created once; their passwords kept beside the superuser's.
pg_ensure_roles_and_db() {
  local dir="$1" port="$2" db="$3" role password
  for role in provenance_owner provenance_app; do
    if [ ! -s "$dir/$role.password" ]; then
      pg_as_owner sh -c "umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > '$dir/$role.password'"
    fi
    password="$(pg_as_owner cat "$dir/$role.password")"
    pg_psql "$dir" "$port" -d postgres -v role="$role" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'password')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'role', :'password') \gexec
SQL
  done
  pg_psql "$dir" "$port" -d postgres -v db="$db" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER provenance_owner', :'db')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO provenance_app', :'db') \gexec
SQL
}

# pg_role_connection DIR PORT DB ROLE: that role's Npgsql connection string.
pg_role_connection() {
  local dir="$1" port="$2" db="$3" role="$4"
  printf 'Host=127.0.0.1;Port=%s;Database=%s;Username=%s;Password=%s' "$port" "$db" "$role" "$(pg_as_owner cat "$dir/$role.password")"
}
