# shellcheck shell=bash
# PostgreSQL helpers for deploy/run.sh and deploy/test.sh. Sourced, not run; safe under
# `set -euo pipefail`.
#
# A cluster lives in a "cluster folder" HOME laid out as:
#   HOME/data/                  the data directory (the DIR the functions below take)
#   HOME/sockets/               its unix sockets (nothing in /var/run)
#   HOME/postgresql.log         the server log
#   HOME/superuser.password     password of the `postgres` superuser        (mode 600)
#   HOME/provenance_owner.password, HOME/provenance_app.password            (mode 600)
# The server listens on 127.0.0.1 only. As root, initdb and the server run as the `postgres` OS
# user (they refuse to run as root) and HOME belongs to that user; otherwise they run as the
# current user.
#
# Functions:
#   pg_ensure_installed             sets and exports PG_BIN (installs the `postgresql` package if needed)
#   pg_home_usable HOME             can the server's OS user create/use HOME? (traversal check)
#   pg_make_temp_home               prints a new throwaway cluster folder under /tmp
#   pg_free_port                    prints a free TCP port on 127.0.0.1
#   pg_init_cluster DIR PORT        initdb DIR once, (re)write its settings
#   pg_start DIR PORT               start and wait; prints the log tail on failure
#   pg_stop DIR                     fast stop; fine when not running
#   pg_is_running DIR
#   pg_psql_admin [psql args]       psql as `postgres` over TCP to the last cluster started/initialised
#   pg_ensure_roles_and_db DBNAME   roles provenance_owner and provenance_app, database DBNAME
#   pg_admin_connection_string      Npgsql connection string of the superuser (database postgres)
#   pg_role_connection_string DB ROLE
# After pg_init_cluster/pg_start, PG_DATA, PG_HOME and PG_PORT describe the current cluster.

PG_DATA="${PG_DATA:-}"
PG_HOME="${PG_HOME:-}"
PG_PORT="${PG_PORT:-}"

pg_log() { printf '[postgres] %s\n' "$*" >&2; }
pg_die() { printf '[postgres] error: %s\n' "$*" >&2; return 1; }

pg_is_root() { [ "$(id -u)" -eq 0 ]; }

# Prints PATH made absolute (the server runs in its data directory, so relative paths would break).
pg_abs_path() {
  local path="$1" parent
  parent="$(dirname "$path")"
  if [ -d "$parent" ]; then
    printf '%s/%s\n' "$(cd "$parent" && pwd)" "$(basename "$path")"
  else
    case "$path" in
      /*) printf '%s\n' "$path" ;;
      *) printf '%s/%s\n' "$PWD" "${path#./}" ;;
    esac
  fi
}

# Runs a command as the OS user that owns the clusters (postgres when we are root).
pg_as_owner() {
  if pg_is_root; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_find_bin() {
  local dir
  if [ -x /usr/lib/postgresql/15/bin/initdb ] && [ -x /usr/lib/postgresql/15/bin/pg_ctl ]; then
    printf '%s\n' /usr/lib/postgresql/15/bin
    return 0
  fi
  # Highest installed major version otherwise.
  # shellcheck disable=SC2012 # paths are /usr/lib/postgresql/<number>/bin
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -nr); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      printf '%s\n' "$dir"
      return 0
    fi
  done
  return 1
}

# Finds the PostgreSQL server binaries (installing the Debian package when none is present)
# and exports PG_BIN.
pg_ensure_installed() {
  local bin
  if ! bin="$(pg_find_bin)"; then
    if ! pg_is_root; then
      pg_die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin and this user cannot install them: run 'sudo apt-get install -y postgresql'."
      return 1
    fi
    command -v apt-get >/dev/null 2>&1 || { pg_die "PostgreSQL is not installed and apt-get is not available."; return 1; }
    pg_log "PostgreSQL not found: installing the 'postgresql' package (apt-get)..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >/dev/null ||
      { pg_die "apt-get update failed."; return 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Options::=--force-confdef \
      -o Dpkg::Options::=--force-confold postgresql </dev/null >/dev/null ||
      { pg_die "apt-get install postgresql failed."; return 1; }
    # The package may start a system cluster on 5432; ours use their own ports, so it is left alone.
    bin="$(pg_find_bin)" || { pg_die "postgresql installed but no initdb/pg_ctl found under /usr/lib/postgresql/*/bin."; return 1; }
  fi
  if pg_is_root && ! id postgres >/dev/null 2>&1; then
    pg_die "running as root but there is no 'postgres' OS user to run the server as."
    return 1
  fi
  PG_BIN="$bin"
  export PG_BIN
}

pg_require_bin() {
  [ -n "${PG_BIN:-}" ] || pg_ensure_installed
}

# pg_home_usable HOME: true when the server's OS user can reach (traverse to) HOME's parent, so
# HOME can be created there and used. Not root: the nearest existing ancestor must be writable.
pg_home_usable() {
  local home="$1" probe
  probe="$(dirname "$home")"
  while [ ! -e "$probe" ]; do probe="$(dirname "$probe")"; done
  if ! pg_is_root; then
    [ -w "$probe" ] && [ -x "$probe" ]
    return
  fi
  [ -d "$probe" ] || return 1
  runuser -u postgres -- test -x "$probe"
}

# Prints a fresh, empty cluster folder under /tmp owned by the server's OS user.
pg_make_temp_home() {
  local home
  home="$(mktemp -d /tmp/provenance-pg.XXXXXX)" || { pg_die "mktemp failed in /tmp."; return 1; }
  if pg_is_root; then chown postgres:postgres "$home"; fi
  chmod 700 "$home"
  printf '%s\n' "$home"
}

# Prints a free TCP port on 127.0.0.1.
pg_free_port() {
  local port
  if command -v python3 >/dev/null 2>&1 &&
    port="$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null)" &&
    [ -n "$port" ]; then
    printf '%s\n' "$port"
    return 0
  fi
  # Fallback: probe random ports with bash's /dev/tcp (a refused connection means free).
  for _ in $(seq 1 200); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      printf '%s\n' "$port"
      return 0
    fi
  done
  pg_die "could not find a free TCP port on 127.0.0.1."
}

# Prints a random alphanumeric secret (32 characters).
pg_random_secret() {
  local s=""
  while [ "${#s}" -lt 32 ]; do
    s="$s$(head -c 256 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')"
  done
  printf '%s\n' "${s:0:32}"
}

# pg_secret_file FILE: creates FILE once with a random secret (mode 600, owned by the server's OS
# user so initdb can read it), keeps it afterwards.
pg_secret_file() {
  local file="$1"
  if [ ! -s "$file" ]; then
    (umask 077 && pg_random_secret >"$file")
  fi
  chmod 600 "$file"
  if pg_is_root; then chown postgres:postgres "$file"; fi
}

pg_read_secret() {
  local file="$1"
  [ -s "$file" ] || { pg_die "missing password file $file"; return 1; }
  head -n 1 "$file" | tr -d '\r\n'
}

pg_set_current() {
  PG_DATA="$1"
  PG_HOME="$(dirname "$1")"
  if [ -n "${2:-}" ]; then PG_PORT="$2"; fi
}

# pg_write_settings DIR PORT: loopback only, sockets in the cluster folder, log to a file there.
# Kept in DIR/provenance.conf, included from postgresql.conf (fsync and the rest keep defaults).
pg_write_settings() {
  local dir="$1" port="$2" home sockets socket_setting
  home="$(dirname "$dir")"
  sockets="$home/sockets"
  if [ ! -d "$sockets" ]; then
    pg_as_owner mkdir -p "$sockets"
    pg_as_owner chmod 700 "$sockets"
  fi
  # A unix socket path is limited to ~107 bytes; in a deep folder, go TCP-only instead.
  if [ "$((${#sockets} + 20))" -lt 100 ]; then
    socket_setting="$sockets"
  else
    pg_log "cluster folder path too long for a unix socket; the server listens on TCP only."
    socket_setting=""
  fi
  pg_as_owner tee "$dir/provenance.conf" >/dev/null <<CONF
# Written by deploy/lib/postgres.sh (rewritten on every init/start; edit the script, not this file).
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '${socket_setting//\'/\'\'}'
max_connections = 200
shared_buffers = 256MB
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
CONF
  if ! grep -q "^include_if_exists = 'provenance.conf'" "$dir/postgresql.conf"; then
    printf "\n# Settings of deploy/lib/postgres.sh\ninclude_if_exists = 'provenance.conf'\n" |
      pg_as_owner tee -a "$dir/postgresql.conf" >/dev/null
  fi
}

# pg_init_cluster DIR PORT: creates the cluster in DIR (a data directory inside its cluster folder)
# unless DIR/PG_VERSION exists; the superuser password is generated once into
# DIR/../superuser.password and reused.
pg_init_cluster() {
  local dir="${1:?pg_init_cluster DIR PORT}" port="${2:?pg_init_cluster DIR PORT}" home locale
  dir="$(pg_abs_path "$dir")"
  pg_require_bin
  home="$(dirname "$dir")"
  if ! pg_home_usable "$home"; then
    pg_die "the cluster folder $home is not reachable by the $(pg_is_root && echo 'postgres OS user' || echo 'current user') (a parent folder is not traversable/writable)."
    return 1
  fi
  if [ ! -d "$home" ]; then
    (umask 022 && mkdir -p "$(dirname "$home")")
    mkdir -p "$home"
  fi
  if pg_is_root; then chown postgres:postgres "$home"; fi
  chmod 700 "$home"
  pg_secret_file "$home/superuser.password"

  if [ ! -f "$dir/PG_VERSION" ]; then
    if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
      pg_die "$dir exists, is not empty and is not a PostgreSQL data directory."
      return 1
    fi
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; else locale=C; fi
    pg_log "creating a PostgreSQL cluster in $dir (locale $locale)"
    if ! pg_as_owner "$PG_BIN/initdb" -D "$dir" -U postgres --pwfile="$home/superuser.password" \
      -E UTF8 --locale="$locale" --auth-local=trust --auth-host=scram-sha-256 \
      >"$home/initdb.log" 2>&1 </dev/null; then
      pg_log "initdb failed; the end of its output:"
      tail -n 30 "$home/initdb.log" >&2 || true
      return 1
    fi
  fi
  pg_write_settings "$dir" "$port"
  pg_set_current "$dir" "$port"
}

# pg_is_running DIR
pg_is_running() {
  local dir="${1:?pg_is_running DIR}"
  dir="$(pg_abs_path "$dir")"
  pg_require_bin
  [ -f "$dir/PG_VERSION" ] || return 1
  pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1
}

# pg_start DIR PORT: starts the cluster (settings rewritten with PORT) and waits until it accepts
# connections. Does nothing when it is already running.
pg_start() {
  local dir="${1:?pg_start DIR PORT}" port="${2:?pg_start DIR PORT}" home log
  dir="$(pg_abs_path "$dir")"
  pg_require_bin
  home="$(dirname "$dir")"
  log="$home/postgresql.log"
  [ -f "$dir/PG_VERSION" ] || { pg_die "no cluster in $dir (run pg_init_cluster first)."; return 1; }
  if pg_is_running "$dir"; then
    # Already running: talk to the port it actually listens on (line 4 of postmaster.pid).
    local actual
    actual="$(sed -n 4p "$dir/postmaster.pid" 2>/dev/null || true)"
    if [[ "$actual" =~ ^[0-9]+$ ]] && [ "$actual" != "$port" ]; then
      pg_log "the cluster in $dir is already running on port $actual (not $port); using $actual."
      port="$actual"
    fi
    pg_set_current "$dir" "$port"
    return 0
  fi
  pg_write_settings "$dir" "$port"
  if ! pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" -l "$log" -w -t 60 start >/dev/null 2>&1 </dev/null; then
    pg_log "PostgreSQL did not start (port $port, data $dir); the end of $log:"
    tail -n 30 "$log" >&2 2>/dev/null || true
    return 1
  fi
  pg_set_current "$dir" "$port"
}

# pg_stop DIR: fast shutdown; tolerant when the cluster is not running or does not exist.
pg_stop() {
  local dir="${1:?pg_stop DIR}"
  dir="$(pg_abs_path "$dir")"
  pg_require_bin
  if pg_is_running "$dir"; then
    pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null 2>&1 </dev/null ||
      pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" -m immediate -w -t 30 stop >/dev/null 2>&1 </dev/null ||
      pg_log "could not stop the cluster in $dir"
  fi
  return 0
}

pg_require_current() {
  if [ -z "$PG_HOME" ] || [ -z "$PG_PORT" ]; then
    pg_die "no current cluster: call pg_init_cluster/pg_start first."
    return 1
  fi
}

# pg_psql_admin [psql args]: psql as the superuser over TCP 127.0.0.1 (database postgres unless
# -d is given), stopping at the first error.
pg_psql_admin() {
  local password
  pg_require_bin
  pg_require_current
  password="$(pg_read_secret "$PG_HOME/superuser.password")"
  PGPASSWORD="$password" PGCONNECT_TIMEOUT=10 "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"
}

pg_sql_literal() { printf "'%s'" "${1//\'/\'\'}"; }

# pg_ensure_roles_and_db DBNAME: idempotently creates the LOGIN roles provenance_owner (owns the
# database) and provenance_app (no other rights: the application's migrations grant it what it
# needs) and the database DBNAME owned by provenance_owner. Their passwords are generated once
# into the cluster folder (mode 600) and (re)applied on every call.
pg_ensure_roles_and_db() {
  local db="${1:?pg_ensure_roles_and_db DBNAME}" role sql
  pg_require_current
  [[ "$db" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || { pg_die "unsupported database name '$db' (use [a-z0-9_])."; return 1; }
  sql=""
  for role in provenance_owner provenance_app; do
    pg_secret_file "$PG_HOME/$role.password"
    sql+="SELECT 'CREATE ROLE $role' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$role') \\gexec
ALTER ROLE $role WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD $(pg_sql_literal "$(pg_read_secret "$PG_HOME/$role.password")");
"
  done
  sql+="SELECT 'CREATE DATABASE $db OWNER provenance_owner ENCODING ''UTF8''' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$db') \\gexec
ALTER DATABASE $db OWNER TO provenance_owner;
REVOKE ALL ON DATABASE $db FROM PUBLIC;
GRANT CONNECT ON DATABASE $db TO provenance_app;
"
  # Through stdin, so no password shows up in a process list.
  printf '%s' "$sql" | pg_psql_admin -f - >/dev/null
}

# Npgsql connection strings for the current cluster.
pg_admin_connection_string() {
  pg_require_current
  printf 'Host=127.0.0.1;Port=%s;Username=postgres;Password=%s;Database=postgres\n' \
    "$PG_PORT" "$(pg_read_secret "$PG_HOME/superuser.password")"
}

pg_role_connection_string() {
  local db="${1:?pg_role_connection_string DB ROLE}" role="${2:?pg_role_connection_string DB ROLE}"
  pg_require_current
  printf 'Host=127.0.0.1;Port=%s;Database=%s;Username=%s;Password=%s\n' \
    "$PG_PORT" "$db" "$role" "$(pg_read_secret "$PG_HOME/$role.password")"
}
