#!/usr/bin/env bash
# The test command: runs the whole test suite against a throwaway PostgreSQL that it starts and
# removes (even when tests fail or the run is interrupted). Extra arguments go to `dotnet test`,
# e.g. `bash deploy/test.sh --filter FullyQualifiedName~Idempotency`.
# With ConnectionStrings__Provenance set, that server is used instead: its role must be allowed to
# create databases and roles (each test class gets a database of its own).
# Ends with one line: `N passed, N failed`.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
# shellcheck source=lib/postgres.sh
source deploy/lib/postgres.sh

work="$(mktemp -d /tmp/provenance-test.XXXXXX)"
cluster=""
cleanup() {
  local status=$?
  if [ -n "$cluster" ]; then pg_stop "$cluster"; fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "${ConnectionStrings__Provenance:-}" ]; then
  echo "Using the PostgreSQL of ConnectionStrings__Provenance."
  export PROVENANCE_TEST_POSTGRES="$ConnectionStrings__Provenance"
else
  pg_ensure_installed
  cluster="$work/postgres"
  port="$(pg_free_port)"
  if [ "$(id -u)" -eq 0 ]; then chmod 755 "$work"; fi
  pg_init_cluster "$cluster" "$port"
  pg_start "$cluster"
  echo "Throwaway PostgreSQL on 127.0.0.1:$port."
  PROVENANCE_TEST_POSTGRES="$(pg_admin_connection "$cluster" "$port")"
  export PROVENANCE_TEST_POSTGRES
fi
unset ConnectionStrings__Provenance

# Sums the TRX counters without python3.
awk_counts() {
  cat "$1"/*.trx "$1"/**/*.trx 2>/dev/null | tr '>' '\n' | grep -o '<Counters [^/]*' | awk '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/"/, "", kv[2]); c[kv[1]] += kv[2] } }
    END { printf "%d %d %d\n", c["executed"], c["passed"], c["failed"] + c["error"] + c["timeout"] + c["aborted"] }'
}

results="$work/results"
dotnet restore Provenance.sln --verbosity quiet
set +e
dotnet test Provenance.sln -c Release --no-restore --logger trx --results-directory "$results" "$@"
test_status=$?
set -e

read -r total passed failed < <(python3 - "$results" <<'PY' 2>/dev/null || awk_counts "$results"
import glob, sys, xml.etree.ElementTree as ET
total = passed = failed = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    if counters is None:
        continue
    total += int(counters.get("executed", counters.get("total", 0)))
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
print(total, passed, failed)
PY
)

status=0
if [ "$test_status" -ne 0 ]; then
  echo "dotnet test exited with $test_status."
  status=1
fi
if [ "${total:-0}" -eq 0 ]; then
  echo "No test ran: that is a failure."
  status=1
fi
if [ "${failed:-0}" -ne 0 ]; then status=1; fi
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
