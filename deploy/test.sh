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
# Phases, each of which runs and prints its outcome (a phase that cannot run counts as failed):
#   1. the lineage explorer's assets (npm ci, npm run build in src/Provenance.Explorer);
#   2. `dotnet restore` and `dotnet test -c Release --logger trx` on Provenance.sln;
#   3. (whole suite) the browser tests: Debian's Chromium, headless, installed when missing, against
#      the API with the demo seeds; screenshots in TestResults/explorer/;
#   4. (whole suite) the API's OpenAPI document, fetched from the service the browser tests run
#      against, linted by Redocly's recommended rules with every warning an error (#14);
#   5. (whole suite) `deploy/bench.sh --tiny`, to check that the benchmark script runs.
# A filtered run (extra arguments) runs only the matching .NET tests and says so. At the end it sums
# the <Counters> of every TRX file (plus one result per phase that writes none), prints each phase's
# outcome, and prints as the very last line exactly `N passed, N failed` ("failed" counts failed,
# error, timeout and aborted results). Exits non-zero when any phase fails or is skipped, any test
# fails, or no test was executed.
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

# Every phase runs and reports its outcome; a phase that cannot run is a failure, so the totals
# never shrink in silence. A phase's outcome is recorded by phase_done NAME STATUS [REASON]; STATUS is
# "passed", "failed" or "skipped". Phases that write no TRX file (the lint, the benchmark script) add
# one result to the totals; a browser phase without its TRX file adds one failed result.
phase_names=() phase_outcomes=()
extra_passed=0 extra_failed=0
phase_done() {
  local name="$1" outcome="$2" reason="${3:-}"
  phase_names+=("$name")
  phase_outcomes+=("$outcome${reason:+ ($reason)}")
  echo "[phase] $name: $outcome${reason:+ ($reason)}"
}
whole_suite=1
[ "$#" -eq 0 ] || whole_suite=0

echo "Building the lineage explorer's assets (npm)"
explorer_status=0
explorer_build || explorer_status=$?
if [ "$explorer_status" -eq 0 ]; then phase_done "explorer assets" passed; else phase_done "explorer assets" failed "exit $explorer_status"; fi

echo "dotnet restore Provenance.sln"
restore_status=0
dotnet restore Provenance.sln --verbosity quiet </dev/null || restore_status=$?

test_status=0
if [ "$restore_status" -eq 0 ]; then
  phase_done "dotnet restore" passed
  echo "dotnet test Provenance.sln -c Release $*"
  dotnet test Provenance.sln -c Release --no-restore --logger trx --results-directory "$results" "$@" </dev/null ||
    test_status=$?
  if [ "$test_status" -eq 0 ]; then phase_done "dotnet test" passed; else phase_done "dotnet test" failed "exit $test_status"; fi
else
  phase_done "dotnet restore" failed "exit $restore_status"
  phase_done "dotnet test" skipped "the restore failed"
  test_status=$restore_status
  extra_failed=$((extra_failed + 1))
fi

# The lineage explorer in a real browser, against the API with the demo seeds (whole suite only).
# Its results are a TRX file too.
run_browser_test() {
  local out="$repo/TestResults/explorer" port url key_file log idp_port
  rm -rf "$out" && mkdir -p "$out"
  pg_ensure_roles_and_db provenance_explorer_test
  port="$(pg_free_port)" url="http://127.0.0.1:$port" key_file="$out/demo-keys.env" log="$out/api.log"
  # #21: single sign-on through a stand-in OpenID Connect issuer, which the browser test runs on this port.
  idp_port="$(pg_free_port)"
  while [ "$idp_port" = "$port" ]; do idp_port="$(pg_free_port)"; done
  ConnectionStrings__Provenance="$(pg_role_connection_string provenance_explorer_test provenance_app)" \
  ConnectionStrings__ProvenanceMigrations="$(pg_role_connection_string provenance_explorer_test provenance_owner)" \
  ASPNETCORE_URLS="$url" ASPNETCORE_ENVIRONMENT=Production Provenance__Https__Redirect=false \
  Provenance__Seed__Path="$repo/seeds" Provenance__Seed__KeysFile="$key_file" Provenance__Auth__BootstrapKeyFile="$out/bootstrap.key" \
  Provenance__Integrity__SigningKeyFile="$out/signing-key.pem" Provenance__Integrity__CreateKeyIfMissing=true \
  Provenance__Auth__Jwt__Authority="http://127.0.0.1:$idp_port" Provenance__Auth__Jwt__RequireHttpsMetadata=false \
  Provenance__Auth__Jwt__Audience=provenance-workspace-test Provenance__Auth__Jwt__Workspace__ClientId=provenance-workspace \
    dotnet "$repo/src/Provenance.Api/bin/Release/net10.0/Provenance.Api.dll" >"$log" 2>&1 </dev/null &
  api_pid=$!
  # The keys file is written once the demo seeds are loaded.
  for _ in $(seq 1 360); do
    [ -s "$key_file" ] && curl -fsS "$url/health/ready" >/dev/null 2>&1 && break
    kill -0 "$api_pid" 2>/dev/null || { tail -n 40 "$log" >&2; echo "The API for the browser test exited." >&2; return 1; }
    sleep 0.5
  done
  [ -s "$key_file" ] || { tail -n 40 "$log" >&2; echo "The demo seeds were not loaded in time." >&2; return 1; }
  # The OpenAPI document of the running service, for the lint phase.
  curl -fsS "$url/openapi/v1.json" -o "$openapi_document" || echo "Could not fetch the OpenAPI document." >&2
  explorer_ensure_chromium || return 1
  local status=0
  (cd "$repo/src/Provenance.Explorer" && PROVENANCE_URL="$url" PROVENANCE_KEYS_FILE="$key_file" PROVENANCE_RESULTS="$out" CHROMIUM="$CHROMIUM" PROVENANCE_IDP_PORT="$idp_port" \
    node tests/explorer.test.mjs </dev/null) || status=$?
  cp "$out/explorer.trx" "$results/" 2>/dev/null || true
  kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; api_pid=""
  return "$status"
}

browser_status=0
openapi_document="$results/openapi.json"
if [ "$whole_suite" -eq 0 ]; then
  echo "[phase] browser tests: not run (a filtered run runs only the matching .NET tests)"
elif [ -z "$pg_dir" ]; then
  phase_done "browser tests" skipped "they run only on the throwaway cluster; ConnectionStrings__Provenance is set"
  browser_status=1 extra_failed=$((extra_failed + 1))
elif [ "$explorer_status" -ne 0 ] || [ "$restore_status" -ne 0 ]; then
  phase_done "browser tests" skipped "the explorer's assets or the build are missing"
  browser_status=1 extra_failed=$((extra_failed + 1))
else
  echo "The lineage explorer in Chromium"
  run_browser_test || browser_status=$?
  if [ ! -f "$results/explorer.trx" ]; then
    # The browser test did not get to write its results: count it as one failed test.
    extra_failed=$((extra_failed + 1))
    [ "$browser_status" -ne 0 ] || browser_status=1
  fi
  if [ "$browser_status" -eq 0 ]; then phase_done "browser tests" passed; else phase_done "browser tests" failed "exit $browser_status; see TestResults/explorer/"; fi
fi

# The OpenAPI document, linted with Redocly's recommended rules, warnings counted as errors: one result.
lint_status=0
if [ "$whole_suite" -eq 0 ]; then
  echo "[phase] OpenAPI lint: not run (a filtered run runs only the matching .NET tests)"
elif [ ! -s "$openapi_document" ]; then
  phase_done "OpenAPI lint" skipped "no OpenAPI document: the API for the browser tests did not start"
  lint_status=1 extra_failed=$((extra_failed + 1))
else
  echo "redocly lint (recommended-strict) of /openapi/v1.json"
  if openapi_lint "$openapi_document"; then
    phase_done "OpenAPI lint" passed
    extra_passed=$((extra_passed + 1))
  else
    lint_status=$?
    phase_done "OpenAPI lint" failed "exit $lint_status"
    extra_failed=$((extra_failed + 1))
  fi
fi

# The benchmark script at a tiny size (CI checks that it runs; no figure is judged here): one result.
bench_status=0
if [ "$whole_suite" -eq 0 ]; then
  echo "[phase] benchmark script: not run (a filtered run runs only the matching .NET tests)"
elif [ "$restore_status" -ne 0 ]; then
  phase_done "benchmark script (--tiny)" skipped "the restore failed"
  bench_status=1 extra_failed=$((extra_failed + 1))
else
  echo "bash deploy/bench.sh --tiny"
  bench_log="$results/bench-tiny.log"
  if bash "$repo/deploy/bench.sh" --tiny >"$bench_log" 2>&1 </dev/null; then
    phase_done "benchmark script (--tiny)" passed
    extra_passed=$((extra_passed + 1))
  else
    bench_status=$?
    tail -n 40 "$bench_log" || true
    phase_done "benchmark script (--tiny)" failed "exit $bench_status"
    extra_failed=$((extra_failed + 1))
  fi
fi

read -r executed passed failed < <(trx_counts "$results")
executed="${executed:-0}" passed="${passed:-0}" failed="${failed:-0}"
passed=$((passed + extra_passed))
failed=$((failed + extra_failed))

# Which tests failed, by name and reason, near the end where a truncated log still shows them.
failures="$(trx_failures "$results")"

# Stop and delete the cluster now, so nothing is printed after the summary line.
cleanup

if [ -n "$failures" ]; then
  echo "Failed tests:"
  printf '%s\n' "$failures"
fi

echo "Phases:"
for i in "${!phase_names[@]}"; do
  printf '  %-28s %s\n' "${phase_names[$i]}" "${phase_outcomes[$i]}"
done

status=0
for outcome in "${phase_outcomes[@]}"; do
  case "$outcome" in passed*) ;; *) status=1 ;; esac
done
if [ "$failed" -ne 0 ]; then
  echo "FAILED: $failed test(s) failed."
  status=1
fi
if [ "$executed" -eq 0 ]; then
  echo "FAILED: no test was executed (a build error, a filter matching nothing, or no TRX file)."
  status=1
fi
[ "$status" -eq 0 ] || echo "FAILED: see the phases above."
echo "$passed passed, $failed failed"
exit "$status"
