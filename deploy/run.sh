#!/usr/bin/env bash
# The run command: starts the ledger API with the demo scenario from seeds/ on a local PostgreSQL
# cluster kept under .local/ (created on first use, started here, stopped on exit).
# With ConnectionStrings__Provenance set, that database is used instead (and
# ConnectionStrings__ProvenanceMigrations, when set, for the migrations).
# The API listens on --urls / ASPNETCORE_URLS, by default http://127.0.0.1:5080.
# PROVENANCE_PG_PORT picks the local cluster's port (default 55432). Extra arguments go to the API.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
# shellcheck source=lib/postgres.sh
source deploy/lib/postgres.sh

cluster=""
started_here=""
cleanup() {
  if [ -n "$started_here" ]; then
    echo "Stopping the local PostgreSQL."
    pg_stop "$cluster"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${ConnectionStrings__Provenance:-}" ]; then
  pg_ensure_installed
  port="${PROVENANCE_PG_PORT:-55432}"
  cluster="$repo/.local/postgres"
  if ! pg_path_usable "$cluster"; then
    # The postgres OS user cannot reach the checkout (e.g. under a private home folder).
    cluster="/var/tmp/provenance-$(printf '%s' "$repo" | sha256sum | cut -c1-12)/postgres"
    echo "The checkout is not reachable by the postgres user; keeping the cluster in $cluster."
  fi
  mkdir -p "$(dirname "$cluster")"
  pg_init_cluster "$cluster" "$port"
  if ! pg_is_running "$cluster"; then
    pg_start "$cluster"
    started_here=1
  fi
  pg_ensure_roles_and_db "$cluster" "$port" provenance
  ConnectionStrings__Provenance="$(pg_role_connection "$cluster" "$port" provenance provenance_app)"
  ConnectionStrings__ProvenanceMigrations="$(pg_role_connection "$cluster" "$port" provenance provenance_owner)"
  export ConnectionStrings__Provenance ConnectionStrings__ProvenanceMigrations
  echo "Local PostgreSQL on 127.0.0.1:$port (database provenance; data in $cluster)."
fi

export Provenance__Seed__Path="${Provenance__Seed__Path:-$repo/seeds}"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
urls="${ASPNETCORE_URLS:-http://127.0.0.1:5080}"
echo "Starting the Provenance API on $urls (demo data from $Provenance__Seed__Path)."
dotnet run --project src/Provenance.Api -c Release -- --urls "$urls" "$@" &
api=$!
# Forward a stop to the API so it shuts down before the database does.
trap 'kill -TERM "$api" 2>/dev/null; wait "$api"; exit 130' INT TERM
wait "$api"
