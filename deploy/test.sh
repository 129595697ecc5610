#!/usr/bin/env bash
# The test command: bash deploy/test.sh [extra `dotnet test` arguments, e.g. --filter Name~Idempotency]
#
# - Without ConnectionStrings__Provenance: creates a throwaway PostgreSQL cluster in a mktemp folder
#   under /tmp on a free 127.0.0.1 port, and stops and deletes it on exit (also on failure, Ctrl-C
#   or SIGTERM).
# - With ConnectionStrings__Provenance set: no cluster is started; that connection string is the
#   tests' admin connection (its role must be allowed to create databases and roles).
# The tests get the admin connection string in PROVENANCE_TEST_POSTGRES
# (Host=127.0.0.1;Port=...;Username=postgres;Password=...;Database=postgres).
#
# Builds the lineage explorer's assets (npm ci, npm run build in src/Provenance.Explorer), runs
# `dotnet restore` and `dotnet test -c Release --logger trx` on Provenance.sln, then (for the whole
# suite) the explorer's browser test (Debian's Chromium, headless, installed when missing, against
# the API with the demo seeds; screenshots in TestResults/explorer/) and `deploy/bench.sh --tiny` to
# check that the benchmark script runs, sums the
# <Counters> of every TRX file, and prints as the very last line exactly `N passed, N failed`
# ("failed" counts failed, error, timeout and aborted results). Exits non-zero when dotnet test
# fails, any test fails, or no test was executed.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
# shellcheck source=SCRIPTDIR/lib/postgres.sh
source "$repo/deploy/lib/postgres.sh"
# shellcheck source=SCRIPTDIR/lib/trx.sh
source "$repo/deploy/lib/trx.sh"
# shellcheck source=SCRIPTDIR/lib/explorer.sh
source "$repo/deploy/lib/explorer.sh"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# No MSBuild worker nodes outliving the run (they can keep a CI log pipe open).
export MSBUILDDISABLENODEREUSE=1

pg_dir=""       # data directory of the throwaway cluster, when we started one
api_pid=""      # the API the browser test runs against
pg_home=""      # its cluster folder (a mktemp folder under /tmp)
results="$(mktemp -d /tmp/provenance-test-results.XXXXXX)"

cleanup() {
  if [ -n "$api_pid" ]; then kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
  if [ -n "$pg_dir" ]; then pg_stop "$pg_dir" >/dev/null 2>&1 || true; fi
  if [ -n "$pg_home" ]; then rm -rf "$pg_home"; fi
  rm -rf "$results"
  pg_dir="" pg_home="" results="" api_pid=""
}
trap cleanup EXIT
# A closed stdout (e.g. `| head`) makes writes fail, so the EXIT trap still removes the cluster.
trap '' PIPE
trap 'echo "Interrupted." >&2; exit 130' INT
trap 'echo "Terminated." >&2; exit 143' TERM HUP

pg_ensure_installed

if [ -n "${ConnectionStrings__Provenance:-}" ]; then
  echo "Using the PostgreSQL server of ConnectionStrings__Provenance (no throwaway cluster)."
  PROVENANCE_TEST_POSTGRES="$ConnectionStrings__Provenance"
else
  pg_home="$(pg_make_temp_home)"
  pg_dir="$pg_home/data"
  port="$(pg_free_port)"
  pg_init_cluster "$pg_dir" "$port"
  pg_start "$pg_dir" "$port"
  echo "Throwaway PostgreSQL on 127.0.0.1:$port (in $pg_home, removed on exit)."
  PROVENANCE_TEST_POSTGRES="$(pg_admin_connection_string)"
fi
export PROVENANCE_TEST_POSTGRES
# The tests take their server from PROVENANCE_TEST_POSTGRES only.
unset ConnectionStrings__Provenance ConnectionStrings__ProvenanceMigrations

echo "Building the lineage explorer's assets (npm)"
explorer_status=0
explorer_build || explorer_status=$?

echo "dotnet restore Provenance.sln"
restore_status=0
dotnet restore Provenance.sln --verbosity quiet </dev/null || restore_status=$?

test_status=0
if [ "$restore_status" -eq 0 ]; then
  echo "dotnet test Provenance.sln -c Release $*"
  dotnet test Provenance.sln -c Release --no-restore --logger trx --results-directory "$results" "$@" </dev/null ||
    test_status=$?
else
  echo "dotnet restore failed (exit $restore_status)."
  test_status=$restore_status
fi

# The lineage explorer in a real browser, against the API with the demo seeds (only for the whole
# suite on the throwaway cluster; PROVENANCE_SKIP_BROWSER=1 skips it). Its results are a TRX file too.
browser_status=0
run_browser_test() {
  local out="$repo/TestResults/explorer" port url key_file log
  rm -rf "$out" && mkdir -p "$out"
  explorer_ensure_chromium || return 1
  pg_ensure_roles_and_db provenance_explorer_test
  port="$(pg_free_port)" url="http://127.0.0.1:$port" key_file="$out/demo-keys.env" log="$out/api.log"
  ConnectionStrings__Provenance="$(pg_role_connection_string provenance_explorer_test provenance_app)" \
  ConnectionStrings__ProvenanceMigrations="$(pg_role_connection_string provenance_explorer_test provenance_owner)" \
  ASPNETCORE_URLS="$url" ASPNETCORE_ENVIRONMENT=Production Provenance__Https__Redirect=false \
  Provenance__Seed__Path="$repo/seeds" Provenance__Seed__KeysFile="$key_file" Provenance__Auth__BootstrapKeyFile="$out/bootstrap.key" \
  Provenance__Integrity__SigningKeyFile="$out/signing-key.pem" Provenance__Integrity__CreateKeyIfMissing=true \
    dotnet "$repo/src/Provenance.Api/bin/Release/net10.0/Provenance.Api.dll" >"$log" 2>&1 </dev/null &
  api_pid=$!
  # The keys file is written once the demo seeds are loaded.
  for _ in $(seq 1 360); do
    [ -s "$key_file" ] && curl -fsS "$url/health/ready" >/dev/null 2>&1 && break
    kill -0 "$api_pid" 2>/dev/null || { tail -n 40 "$log" >&2; echo "The API for the browser test exited." >&2; return 1; }
    sleep 0.5
  done
  [ -s "$key_file" ] || { tail -n 40 "$log" >&2; echo "The demo seeds were not loaded in time." >&2; return 1; }
  local status=0
  (cd "$repo/src/Provenance.Explorer" && PROVENANCE_URL="$url" PROVENANCE_KEYS_FILE="$key_file" PROVENANCE_RESULTS="$out" CHROMIUM="$CHROMIUM" \
    node tests/explorer.test.mjs </dev/null) || status=$?
  cp "$out/explorer.trx" "$results/" 2>/dev/null || true
  kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; api_pid=""
  return "$status"
}
if [ "$#" -eq 0 ] && [ "${PROVENANCE_SKIP_BROWSER:-}" != "1" ] && [ "$test_status" -eq 0 ] && [ "$explorer_status" -eq 0 ]; then
  if [ -n "$pg_dir" ]; then
    echo "The lineage explorer in Chromium"
    run_browser_test || browser_status=$?
  else
    echo "The browser test runs only on the throwaway cluster (ConnectionStrings__Provenance is set): skipped."
  fi
fi

# The benchmark script at a tiny size (CI checks that it runs; no figure is judged here). Only for the
# whole suite: extra dotnet test arguments (a filter) skip it, as does PROVENANCE_SKIP_BENCH=1.
bench_status=0
if [ "$#" -eq 0 ] && [ "${PROVENANCE_SKIP_BENCH:-}" != "1" ] && [ "$test_status" -eq 0 ]; then
  echo "bash deploy/bench.sh --tiny"
  bench_log="$results/bench-tiny.log"
  if bash "$repo/deploy/bench.sh" --tiny >"$bench_log" 2>&1 </dev/null; then
    echo "The benchmark script ran at a tiny size."
  else
    bench_status=$?
    tail -n 40 "$bench_log" || true
  fi
fi

read -r executed passed failed < <(trx_counts "$results")
executed="${executed:-0}" passed="${passed:-0}" failed="${failed:-0}"

# Stop and delete the cluster now, so nothing is printed after the summary line.
cleanup

status=0
if [ "$test_status" -ne 0 ]; then
  echo "FAILED: dotnet test exited with status $test_status."
  status=1
fi
if [ "$explorer_status" -ne 0 ]; then
  echo "FAILED: the lineage explorer's assets were not built (exit $explorer_status)."
  status=1
fi
if [ "$browser_status" -ne 0 ]; then
  echo "FAILED: the lineage explorer's browser test failed (exit $browser_status); see TestResults/explorer/."
  status=1
fi
if [ "$bench_status" -ne 0 ]; then
  echo "FAILED: the benchmark script failed at a tiny size (exit $bench_status)."
  status=1
fi
if [ "$failed" -ne 0 ]; then
  echo "FAILED: $failed test(s) failed."
  status=1
fi
if [ "$executed" -eq 0 ]; then
  echo "FAILED: no test was executed (a build error, a filter matching nothing, or no TRX file)."
  status=1
fi
echo "$passed passed, $failed failed"
exit "$status"
