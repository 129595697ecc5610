#!/usr/bin/env bash
# The run command: bash deploy/run.sh [extra arguments for the API]
#
# Starts the Provenance API (Release) with the demo data of seeds/ on a local PostgreSQL:
# - Without ConnectionStrings__Provenance: a persistent cluster in <repo>/.local/postgres (created
#   on first use; when the postgres OS user cannot reach the checkout, in
#   /var/tmp/provenance-<hash of the repo path>/postgres instead) on 127.0.0.1, port
#   ${PROVENANCE_PG_PORT:-55432}, with the database `provenance`, owned by the role
#   provenance_owner, and the application role provenance_app. Exports
#   ConnectionStrings__Provenance (as provenance_app) and ConnectionStrings__ProvenanceMigrations
#   (as provenance_owner). Role passwords are kept (mode 600) in the cluster folder.
#   The cluster is stopped on exit only when this script started it.
# - With ConnectionStrings__Provenance set: that database is used as is (and
#   ConnectionStrings__ProvenanceMigrations too, when set); no cluster is touched.
# Also exports Provenance__Seed__Path=<repo>/seeds (unless set), a persistent checkpoint signing key
# (Provenance__Integrity__SigningKeyFile=<repo>/.local/checkpoint-signing-key.pem, created by the
# service on first start, unless a key is configured) and
# ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}; the API listens on
# ${ASPNETCORE_URLS:-http://127.0.0.1:5080}.
# Keys (#6): the service writes a bootstrap administrator key to <repo>/.local/bootstrap-admin.key
# (when no administrator key exists yet) and the demo keys, one per role, to
# <repo>/.local/demo-keys.env (mode 600, reused across restarts) once the demo data is loaded; then
# this script prints the demo keys and how to stop. `source .local/demo-keys.env` puts them in your shell ($STEWARD_KEY,
# $IRB_REVIEWER_KEY, $REGULATOR_KEY, $ADMIN_KEY) for the README tour.
#
# Witness (#17): a demo witness with its own key (<repo>/.local/witness/witness.key, made on first
# use; its verifier key in witness.pub) and state (<repo>/.local/witness/state) listens on
# ${PROVENANCE_WITNESS_URL:-http://127.0.0.1:5081} once the API is up, witnessing the API's log; the API
# submits every checkpoint to it (Provenance__Witnessing__*), so the tour's checkpoints carry its
# cosignature. PROVENANCE_WITNESS=0 runs without it.
#
# PROVENANCE_RUN_DRY=1: do everything up to, but not including, `dotnet run` (prints the
# environment it would use, with passwords masked, then exits, stopping the cluster if it
# started it). For checking the database part without the API.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
# shellcheck source=SCRIPTDIR/lib/postgres.sh
source "$repo/deploy/lib/postgres.sh"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

pg_dir=""
started_here=""
cleanup() {
  if [ -n "${keys_printer:-}" ]; then
    kill "$keys_printer" 2>/dev/null || true
  fi
  if [ -n "${witness_starter:-}" ]; then
    kill "$witness_starter" 2>/dev/null || true
  fi
  if [ -f "${witness_pid_file:-}" ]; then
    kill "$(cat "$witness_pid_file")" 2>/dev/null || true
    rm -f "$witness_pid_file"
  fi
  if [ -n "$started_here" ]; then
    started_here=""
    pg_stop "$pg_dir"
    echo "Stopped the local PostgreSQL ($pg_dir)." >&2 || true
  fi
}
trap cleanup EXIT
# A closed stdout (e.g. `| head`) makes writes fail, so the EXIT trap still stops the cluster.
trap '' PIPE
trap 'exit 130' INT
trap 'exit 143' TERM HUP

if [ -z "${ConnectionStrings__Provenance:-}" ]; then
  pg_ensure_installed
  port="${PROVENANCE_PG_PORT:-55432}"
  [[ "$port" =~ ^[0-9]+$ ]] || { echo "PROVENANCE_PG_PORT must be a port number, not '$port'." >&2; exit 2; }
  pg_home="$repo/.local/postgres"
  if ! pg_home_usable "$pg_home"; then
    # E.g. a checkout under a private home folder: the postgres OS user cannot traverse to it.
    pg_home="/var/tmp/provenance-$(printf '%s' "$repo" | sha256sum | cut -c1-12)/postgres"
    echo "The postgres OS user cannot reach $repo/.local; keeping the cluster in $pg_home instead."
    (umask 022 && mkdir -p "$(dirname "$pg_home")")
  fi
  pg_dir="$pg_home/data"
  pg_init_cluster "$pg_dir" "$port"
  if ! pg_is_running "$pg_dir"; then
    pg_start "$pg_dir" "$port"
    started_here=1
  else
    # Already running (another run.sh, or started by hand): used as is, left running.
    pg_start "$pg_dir" "$port"
  fi
  pg_ensure_roles_and_db provenance
  ConnectionStrings__Provenance="$(pg_role_connection_string provenance provenance_app)"
  ConnectionStrings__ProvenanceMigrations="$(pg_role_connection_string provenance provenance_owner)"
  export ConnectionStrings__Provenance ConnectionStrings__ProvenanceMigrations
  echo "PostgreSQL on 127.0.0.1:$PG_PORT, database provenance (cluster folder $pg_home$([ -n "$started_here" ] && echo ', stopped when the API exits' || echo ', already running: left running'))."
else
  echo "Using the database of ConnectionStrings__Provenance."
fi

export Provenance__Seed__Path="${Provenance__Seed__Path:-$repo/seeds}"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
if [ -z "${Provenance__Integrity__SigningKeyFile:-}${Provenance__Integrity__SigningKeyPem:-}" ]; then
  export Provenance__Integrity__SigningKeyFile="$repo/.local/checkpoint-signing-key.pem" Provenance__Integrity__CreateKeyIfMissing=true
fi
urls="${ASPNETCORE_URLS:-http://127.0.0.1:5080}"
export Provenance__Auth__BootstrapKeyFile="${Provenance__Auth__BootstrapKeyFile:-$repo/.local/bootstrap-admin.key}"
export Provenance__Seed__KeysFile="${Provenance__Seed__KeysFile:-$repo/.local/demo-keys.env}"

witness_url="${PROVENANCE_WITNESS_URL:-http://127.0.0.1:5081}"
witness_dir="$repo/.local/witness"
cli_dll="$repo/src/Provenance.Cli/bin/Release/net10.0/provenance.dll"
if [ "${PROVENANCE_WITNESS:-1}" != "0" ] && [ "${PROVENANCE_RUN_DRY:-}" != "1" ]; then
  dotnet build src/Provenance.Cli -c Release -v quiet -nologo >/dev/null
  mkdir -p "$witness_dir"
  if [ ! -f "$witness_dir/witness.key" ]; then
    dotnet "$cli_dll" witness keygen --name demo-witness.provenance.local --out "$witness_dir/witness.key" >"$witness_dir/witness.pub"
    echo "Made the demo witness's key: $witness_dir/witness.key (verifier key in witness.pub)."
  fi
  export Provenance__Witnessing__Witnesses__0__Url="$witness_url"
  Provenance__Witnessing__Witnesses__0__Key="$(head -n 1 "$witness_dir/witness.pub")"
  export Provenance__Witnessing__Witnesses__0__Key
  # The witness starts after the API (it needs the API's public key): retry it often meanwhile.
  export Provenance__Witnessing__MaxRetryAfter="${Provenance__Witnessing__MaxRetryAfter:-00:00:05}"
fi

if [ "${PROVENANCE_RUN_DRY:-}" = "1" ]; then
  mask() { sed -E 's/(Password=)[^;]*/\1*****/g'; }
  echo "PROVENANCE_RUN_DRY=1: not starting the API. It would run with:"
  echo "  ConnectionStrings__Provenance=$(printf '%s' "$ConnectionStrings__Provenance" | mask)"
  echo "  ConnectionStrings__ProvenanceMigrations=$(printf '%s' "${ConnectionStrings__ProvenanceMigrations:-}" | mask)"
  echo "  Provenance__Seed__Path=$Provenance__Seed__Path"
  echo "  ASPNETCORE_ENVIRONMENT=$ASPNETCORE_ENVIRONMENT"
  echo "  Provenance__Integrity__SigningKeyFile=${Provenance__Integrity__SigningKeyFile:-(unset)}"
  echo "  Provenance__Auth__BootstrapKeyFile=$Provenance__Auth__BootstrapKeyFile"
  echo "  Provenance__Seed__KeysFile=$Provenance__Seed__KeysFile"
  echo "  dotnet run --project src/Provenance.Api -c Release -- --urls $urls $*"
  exit 0
fi

# shellcheck source=SCRIPTDIR/lib/explorer.sh
source "$repo/deploy/lib/explorer.sh"
if explorer_build; then
  explorer_url="$urls/explorer/"
else
  explorer_url="(not built: see the message above)"
fi

echo "Starting the Provenance API; it listens on $urls (environment $ASPNETCORE_ENVIRONMENT, demo data from $Provenance__Seed__Path)."
# The seed loader (re)writes the demo keys file once the demo data is loaded (#14); print the keys then,
# beside the API's log, with how to stop.
started_at="$(date +%s)"
(
  keys="$Provenance__Seed__KeysFile"
  for _ in $(seq 1 600); do
    if [ -f "$keys" ] && [ "$(stat -c %Y "$keys" 2>/dev/null || echo 0)" -ge "$started_at" ]; then
      printf '\nDemo API keys, one per role (also in %s; load them with: source %s):\n' "$keys" "$keys"
      grep '^export ' "$keys" | grep -v SEED_LOADER_KEY | sed 's/^export /  /'
      # shellcheck disable=SC2016 # printed for the reader's shell to expand
      printf 'Try: curl -H "Authorization: ApiKey $REGULATOR_KEY" %s/datasets\n' "$urls"
      printf 'The lineage explorer: %s (sign in with one of these keys)\n' "$explorer_url"
      if [ -n "$started_here" ]; then
        printf 'The demo is loaded. Stop the API with Ctrl+C; the local PostgreSQL stops with it.\n\n'
      else
        printf 'The demo is loaded. Stop the API with Ctrl+C (the database is left as it was).\n\n'
      fi
      exit 0
    fi
    sleep 1
  done
) &
keys_printer=$!
if [ -n "${Provenance__Witnessing__Witnesses__0__Url:-}" ] && [ "${PROVENANCE_WITNESS:-1}" != "0" ]; then
  # The demo witness: once the API answers, it witnesses the API's log under the API's published key.
  witness_pid_file="$witness_dir/witness.pid"
  (
    for _ in $(seq 1 600); do
      if log_key="$(curl -fsS "$urls/checkpoints/public-key" 2>/dev/null | sed -n 's/.*"verifierKey":"\([^"]*\)".*/\1/p')" && [ -n "$log_key" ]; then
        dotnet "$cli_dll" witness serve --key "$witness_dir/witness.key" --state "$witness_dir/state" --log "$log_key" --urls "$witness_url" \
          >>"$witness_dir/witness.log" 2>&1 &
        echo $! >"$witness_pid_file"
        printf 'The demo witness listens on %s (log: %s); checkpoints are cosigned by %s.\n' "$witness_url" "$witness_dir/witness.log" "$(cut -d+ -f1 "$witness_dir/witness.pub")"
        exit 0
      fi
      sleep 1
    done
  ) &
  witness_starter=$!
fi
# Not exec: the EXIT trap has to stop the cluster after the API exits.
dotnet run --project src/Provenance.Api -c Release -- --urls "$urls" "$@"
