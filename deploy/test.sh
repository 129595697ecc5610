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
# Runs `dotnet restore` and `dotnet test -c Release --logger trx` on Provenance.sln, then (for the
# whole suite) `deploy/bench.sh --tiny` to check that the benchmark script runs, sums the
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

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# No MSBuild worker nodes outliving the run (they can keep a CI log pipe open).
export MSBUILDDISABLENODEREUSE=1

pg_dir=""       # data directory of the throwaway cluster, when we started one
pg_home=""      # its cluster folder (a mktemp folder under /tmp)
results="$(mktemp -d /tmp/provenance-test-results.XXXXXX)"

cleanup() {
  if [ -n "$pg_dir" ]; then pg_stop "$pg_dir" >/dev/null 2>&1 || true; fi
  if [ -n "$pg_home" ]; then rm -rf "$pg_home"; fi
  rm -rf "$results"
  pg_dir="" pg_home="" results=""
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
