#!/usr/bin/env bash
# The benchmark command: bash deploy/bench.sh [--events N] [--seed S] [--tiny] [--no-write]
#                   or: bash deploy/bench.sh --scale [--scale-sizes 100000,1000000,5000000] [--seed S] [--no-write]
#
# On a throwaway PostgreSQL cluster (mktemp folder under /tmp, free 127.0.0.1 port, removed on
# exit), with the service's Release build, and in each step a baseline measured in the same run:
#   1. single-event appends through the event store (1, 8, 32 writers) against plain single-row
#      INSERT transactions of the same payload (through Npgsql, and by pgbench, the database's own client); 100-event appends against plain 100-row INSERTs of
#      the same rows into a bare copy of the events table;
#      and single-event appends at 32 writers with the stream index following the log, and without;
#   1b. Marten 9 side by side with the ledger's store, same event, same cluster (#20): single-event
#      and 100-event appends, and a transaction that holds its append open among 32 writers: how the
#      writers fare and whether each store's asynchronous consumer lags, skips or reorders;
#   2. generates a deterministic scenario (--seed, --events; default 1,000,000 events) and loads
#      it through the event store's own append path and inline projections;
#   3. rebuilds every projection from the whole log; catches the Merkle tree and the stream index up
#      with the whole log (against reading it alone), signs checkpoints with their index update after
#      new appends, and measures map proofs;
#   4. starts the API on 127.0.0.1 (shipped logging: one JSON line per request, to a file) and
#      waits until every projection and the Merkle tree have caught up;
#   5. the lineage query of the flagship model version (1,000 dataset versions, derivation depth
#      10) over HTTP, p50/p95/p99: at rest, while a second client appends 50 events a second, and
#      (after a restart) with answer reuse off;
#   5b. the workspace's overview and a dataset page rendered in headless Chromium (#21), and the
#      overview's background clearance tally (the measurements wait for its first one);
#   6. HTTP appends (POST /datasets) by wrk at 64 connections, after a warm-up: events/s, p50, p99;
#   7. exports the whole ledger as one audit bundle and verifies it offline with the command-line
#      verifier (`provenance verify`, its process start included), against the machine's raw
#      SHA-256 throughput;
#   8. BenchmarkDotNet over the hot in-process paths (canonicalization, hashing, proofs, serialization);
#   and records the API's peak resident memory in every step it ran in. The API runs as it would in
#   a 512 MB container: the runtime's heap limit at 384 MB (the 75% .NET takes under such a limit).
# Prints one table and, unless --no-write (or --tiny), writes it to docs/benchmarks.md with the
# machine, date and commit.
# --scale (#22) runs only the growth table instead: for each size (default 100,000, 1,000,000 and
# 5,000,000 events; an hour here), on a database of its own, the load, the database's size, the stream
# index's checkpoint signing and map proofs, single-event appends by 32 writers on the loaded ledger
# (against plain INSERTs in the same run), computed lineage, the whole-ledger export and offline
# verify, and the memory of the export's PROV document on the builder alone; written between the
# scale markers of docs/benchmarks.md.
# --tiny runs every step at a tiny size, the growth table's at one (CI checks the script this way).
# Exits non-zero when a step fails. Every process it starts stops by itself or on exit.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
# shellcheck source=SCRIPTDIR/lib/postgres.sh
source "$repo/deploy/lib/postgres.sh"
# shellcheck source=SCRIPTDIR/lib/explorer.sh
source "$repo/deploy/lib/explorer.sh"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1

events=1000000 seed=20261122 chains=100 depth=10 warmup=30 iterations=500 write=1 tiny="" append_seconds=10 append_writers="1,8,32"
batch_writers="1,4" http_warmup=20 http_seconds=20 index_writers=32 index_repeat=3 marten_repeat=3 hold_seconds=10 stall_writers=32 render_runs=5
scale="" scale_repeat=3
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --tiny) tiny=1; events=3000; chains=5; depth=3; warmup=3; iterations=20; write=""; append_seconds=1; append_writers="1,4"
      batch_writers="1"; http_warmup=1; http_seconds=2; index_writers=4; index_repeat=1; marten_repeat=1; hold_seconds=2; stall_writers=4; render_runs=2; scale_repeat=1; shift ;;
    --scale) scale="${scale:-100000,1000000,5000000}"; shift ;;
    --scale-sizes) scale="$2"; shift 2 ;;
    --no-write) write=""; shift ;;
    *) echo "usage: bash deploy/bench.sh [--events N] [--seed S] [--tiny] [--no-write] | --scale [--scale-sizes N,N,...] [--seed S] [--no-write]" >&2; exit 2 ;;
  esac
done
[[ "$events" =~ ^[0-9]+$ && "$seed" =~ ^[0-9]+$ ]] || { echo "--events and --seed are whole numbers." >&2; exit 2; }
[[ -z "$scale" || "$scale" =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "--scale-sizes is a comma-separated list of whole numbers." >&2; exit 2; }
[[ -z "$scale" || -z "$tiny" ]] || { echo "--tiny already runs the growth table at a tiny size; use one or the other." >&2; exit 2; }

pg_dir="" pg_home="" api_pid="" work="$(mktemp -d /tmp/provenance-bench.XXXXXX)"
cleanup() {
  if [ -n "$api_pid" ]; then kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
  if [ -n "$pg_dir" ]; then pg_stop "$pg_dir" >/dev/null 2>&1 || true; fi
  if [ -n "$pg_home" ]; then rm -rf "$pg_home"; fi
  rm -rf "$work"
  api_pid="" pg_dir="" pg_home="" work=""
}
trap cleanup EXIT
trap '' PIPE
trap 'exit 130' INT
trap 'exit 143' TERM HUP

step() { printf '\n== %s\n' "$*"; }
results="$work/results"
: >"$results"
# Appending (-a): tee reopening /dev/stderr would truncate a log file the output is redirected to.
collect() { tee -a /dev/stderr | sed -n 's/^RESULT //p' >>"$results"; }
result() { sed -n "s/^$1=//p" "$results" | tail -n 1; }

# wrk, the HTTP load generator (Debian package), installed like PostgreSQL when missing.
ensure_wrk() {
  command -v wrk >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "wrk is not installed and this user cannot install it: run 'sudo apt-get install -y wrk'." >&2
    return 1
  fi
  echo "Installing wrk (apt-get)..."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk </dev/null >/dev/null 2>&1 ||
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk </dev/null >/dev/null; } ||
    { echo "apt-get install wrk failed." >&2; return 1; }
}

pg_ensure_installed
ensure_wrk
# #21: the workspace's assets (served by the API) and the browser that renders them.
explorer_build
explorer_ensure_chromium
step "Building (Release)"
dotnet build -c Release tests/Provenance.Benchmarks/Provenance.Benchmarks.csproj -v quiet -nologo >/dev/null
bench="$repo/tests/Provenance.Benchmarks/bin/Release/net10.0/Provenance.Benchmarks.dll"
# #22: the export step verifies its bundle with the command-line verifier a regulator runs.
dotnet build -c Release src/Provenance.Cli/Provenance.Cli.csproj -v quiet -nologo >/dev/null
cli="$repo/src/Provenance.Cli/bin/Release/net10.0/provenance.dll"
api="$repo/src/Provenance.Api/bin/Release/net10.0/Provenance.Api.dll"

step "Throwaway PostgreSQL"
pg_home="$(pg_make_temp_home)"
pg_dir="$pg_home/data"
port="$(pg_free_port)"
pg_init_cluster "$pg_dir" "$port"
pg_start "$pg_dir" "$port"
pg_ensure_roles_and_db provenance_bench
app_cs="$(pg_role_connection_string provenance_bench provenance_app)"
owner_cs="$(pg_role_connection_string provenance_bench provenance_owner)"

start_api() { # extra environment assignments for the API
  api_port="$(pg_free_port)"
  api_url="http://127.0.0.1:$api_port"
  env "$@" ConnectionStrings__Provenance="$app_cs" ConnectionStrings__ProvenanceMigrations="$owner_cs" ASPNETCORE_URLS="$api_url" \
    ASPNETCORE_ENVIRONMENT=Production DOTNET_GCHeapHardLimit=0x18000000 Provenance__Integrity__CreateKeyIfMissing=true \
    Provenance__Integrity__SigningKeyFile="$work/signing-key.pem" Provenance__Auth__BootstrapKeyFile="$work/admin.key" \
    Provenance__RateLimit__Enabled=false Provenance__Https__Redirect=false \
    dotnet "$api" >>"$work/api.log" 2>&1 &
  api_pid=$!
  for _ in $(seq 1 600); do
    if curl -fsS "$api_url/health/ready" >/dev/null 2>&1; then break; fi
    kill -0 "$api_pid" 2>/dev/null || { tail -n 40 "$work/api.log" >&2; echo "The API exited." >&2; exit 1; }
    sleep 0.5
  done
  curl -fsS "$api_url/health/ready" >/dev/null || { echo "The API did not become ready." >&2; exit 1; }
  # The generated ledger has no API key, so the service issued a bootstrap admin key into this file.
  admin_key="$(cat "$work/admin.key")"
  # The asynchronous projections catch up before anything is measured (they would compete for the CPU).
  for _ in $(seq 1 1200); do
    lag="$(curl -fsS -H "X-Api-Key: $admin_key" "$api_url/admin/projections" | grep -o '"lag":[0-9]*' | cut -d: -f2 | sort -n | tail -n 1)"
    [ "${lag:-1}" = "0" ] && break
    sleep 1
  done
  [ "${lag:-1}" = "0" ] || { echo "The projections did not catch up (lag $lag)." >&2; exit 1; }
  # #21: the overview's first clearance tally runs at start-up (seconds of one core at 1M events);
  # what is measured next should not share the CPU with it. Its figures are kept for the table.
  for _ in $(seq 1 600); do
    grep -q '"Tallied"' "$work/api.log" 2>/dev/null && break
    sleep 0.5
  done
  grep -o '"Versions":[0-9]*,"Position":[0-9]*,"Seconds":[0-9.]*' "$work/api.log" | tail -n 1 |
    sed 's/"Versions":\([0-9]*\),"Position":[0-9]*,"Seconds":\([0-9.]*\)/RESULT tally.versions=\1\nRESULT tally.seconds=\2/' | collect >/dev/null
}
# The API's peak resident memory since the last mark, recorded as rss.<step> (MB); the peak is then reset.
mark_rss() {
  local kb
  kb="$(awk '/VmHWM/ {print $2}' "/proc/$api_pid/status" 2>/dev/null || echo 0)"
  echo "rss.$1=$(( kb / 1024 ))" >>"$results"
  peak_rss_mb="$(( kb / 1024 > ${peak_rss_mb:-0} ? kb / 1024 : ${peak_rss_mb:-0} ))"
  echo 5 >"/proc/$api_pid/clear_refs" 2>/dev/null || true
}
stop_api() {
  kill "$api_pid" 2>/dev/null || true
  wait "$api_pid" 2>/dev/null || true
  api_pid=""
}
lineage() { # label, extra arguments
  local label="$1"
  shift
  # The service issued an administrator key into $work/admin.key on its first start (never on the command line).
  PROVENANCE_API_KEY="$(cat "$work/admin.key")" dotnet "$bench" lineage --url "$api_url" --model "$(result flagship.model)" --version "$(result flagship.version)" \
    --warmup "$warmup" --iterations "$iterations" --label "$label" --api-key "$admin_key" "$@" 2>&1 | collect
}

# #22: how the costs grow with the ledger. For each size: the whole-ledger PROV document's memory on
# the builder alone (the scenario's events fed straight to it, no database), then, on a database of its own: load the scenario
# (same seed and flagship shape at every size, so only the ledger's size changes), its size on disk,
# the stream index (catch-up, checkpoint signing, map proofs), single-event appends by 32 writers on the
# loaded ledger against plain INSERT transactions in the same run (last, as they add events), and
# before them the API (answer reuse off): computed lineage, and the whole-ledger export verified
# offline. One row per size.
scale_run() { # comma-separated sizes
  local size db main_results="$results" rows=() line
  for size in ${1//,/ }; do
    step "Growth: a ledger of $size events"
    db="provenance_scale_$size"
    results="$work/results.scale.$size"
    : >"$results"
    dotnet "$bench" prov-memory --events "$size" --seed "$seed" --chains "$chains" --depth "$depth" 2>&1 | collect
    pg_ensure_roles_and_db "$db"
    app_cs="$(pg_role_connection_string "$db" provenance_app)"
    owner_cs="$(pg_role_connection_string "$db" provenance_owner)"
    dotnet "$bench" load --connection "$app_cs" --migrations-connection "$owner_cs" --events "$size" --seed "$seed" \
      --chains "$chains" --depth "$depth" 2>&1 | collect
    echo "RESULT scale.db_bytes=$(pg_psql_admin -tA -c "SELECT pg_database_size('$db')")" | collect >/dev/null
    dotnet "$bench" stream-index --connection "$app_cs" --migrations-connection "$owner_cs" ${tiny:+--rounds 2 --appends 50} 2>&1 | collect
    rm -f "$work/admin.key"
    : >"$work/api.log"
    start_api Provenance__Cache__LineageBytes=0
    lineage lineage_cold
    if ! PROVENANCE_API_KEY="$admin_key" dotnet "$bench" export --url "$api_url" --cli "$cli" 2>&1 | collect; then
      echo "export.failed=$(grep -o '"@x":"[A-Za-z.]*Exception' "$work/api.log" | tail -n 1 | sed 's/.*"@x":"//')" >>"$results"
      echo "The export of the $size-event ledger failed (its row says how)." >&2
      failed_steps="${failed_steps:+$failed_steps, }export at $size events"
    fi
    mark_rss "scale"
    stop_api
    # Last: the appends add events (tens of thousands a second), which the steps before must not see.
    dotnet "$bench" appends --connection "$app_cs" --migrations-connection "$owner_cs" --writers "$index_writers" --batch-writers none \
      --seconds "$append_seconds" --repeat "$scale_repeat" 2>&1 | collect
    pg_psql_admin -c "DROP DATABASE $db" >/dev/null
    local w="$index_writers" export_cell verify_cell
    if [ -n "$(result export.failed)" ]; then
      export_cell="failed: $(result export.failed)"; verify_cell="—"
    else
      export_cell="$(printf '%.0f' "$(result export.events_per_s)")"; verify_cell="$(printf '%.0f' "$(result verify.events_per_s)")"
    fi
    line="| $(result load.events) | $(result index.streams) | $(printf '%.0f' "$(result load.events_per_s)") | $(printf '%.0f' "$(result "append.w$w.events_per_s")") ($(result "append.w$w.ratio")× plain) | $(result lineage_cold.p50_ms) / $(result lineage_cold.p95_ms) | $(result index.checkpoint_ms_median) | $(result index.proof_bytes_median) / $(result index.proof_bytes_max) | $export_cell | $verify_cell | $(result rss.scale) | $(printf '%.0f / %.0f' "$(result prov.held_mb)" "$(result prov.peak_live_mb)") | $(awk -v b="$(result scale.db_bytes)" 'BEGIN { printf "%.2f", b / 1e9 }') | $(awk -v b="$(result scale.db_bytes)" -v n="$(result load.events)" 'BEGIN { printf "%.2f", b / 1e9 / (n / 1e6) }') |"
    rows+=("$line")
    echo "$line"
  done
  results="$main_results"
  {
    echo "| Events | Streams | Load (events/s) | Single-event appends, $index_writers writers (events/s) | Lineage computed, p50 / p95 (ms) | Checkpoint signing with the index (ms, median) | Map proof (bytes, median / largest) | Export (events/s) | Verify (events/s) | API peak RSS (MB) | PROV document in memory, held / peak live (MB) | Database (GB) | GB per million events |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
  } >"$work/scale.md"
}
failed_steps=""
if [ -n "$scale" ]; then
  scale_run "$scale"
  commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$repo" diff --quiet 2>/dev/null || echo '+changes')"
  machine="$(nproc) cores ($(sed -n 's/^model name\s*:\s*//p' /proc/cpuinfo | head -n 1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'), .NET $(dotnet --version)"
  step "Growth table"
  echo "Machine: $machine"
  echo "Date: $(date -u +%Y-%m-%d), commit $commit, seed $seed"
  cat "$work/scale.md"
  if [ -n "$write" ]; then
    out="$repo/docs/benchmarks.md" begin='<!-- scale:begin -->' end='<!-- scale:end -->'
    block="$work/scale-block.md"
    {
      echo "$begin"
      echo "Measured by \`bash deploy/bench.sh --scale --scale-sizes $scale --seed $seed\` on $(date -u +%Y-%m-%d), commit $commit."
      echo "Machine: $machine."
      echo
      cat "$work/scale.md"
      echo "$end"
    } >"$block"
    grep -q "$begin" "$out" || { echo "docs/benchmarks.md has no $begin marker." >&2; exit 1; }
    awk -v block="$block" -v b="$begin" -v e="$end" '
      $0 == b { while ((getline line < block) > 0) print line; skip = 1; next }
      $0 == e { skip = 0; next }
      !skip { print }' "$out" >"$work/out.md"
    cp "$work/out.md" "$out"
    echo "Wrote $out."
  fi
  [ -z "$failed_steps" ] || { echo "A step failed: $failed_steps." >&2; exit 1; }
  exit 0
fi

step "Appends against plain INSERTs (single events: $append_writers writers; 100-event appends: $batch_writers; ${append_seconds} s each)"
# A database of its own: the append benchmark writes events no scenario would.
pg_ensure_roles_and_db provenance_bench_appends
dotnet "$bench" appends --connection "$(pg_role_connection_string provenance_bench_appends provenance_app)" \
  --migrations-connection "$(pg_role_connection_string provenance_bench_appends provenance_owner)" \
  --writers "$append_writers" --batch-writers "$batch_writers" --seconds "$append_seconds" 2>&1 | collect

step "The database's own client: pgbench, single-row INSERT transactions of the same payload ($append_writers clients, ${append_seconds} s, 3 runs each)"
# #22: the ceiling a user compares against is PostgreSQL's own C client, not ours through Npgsql. The same
# JSON as the single-event appends (printed by the benchmark driver), into a table of the same shape as
# the Npgsql baseline's, one INSERT per transaction, prepared; the median of three runs per client count.
pg_ensure_roles_and_db provenance_bench_pgbench
pg_psql_admin -d provenance_bench_pgbench -c "CREATE TABLE IF NOT EXISTS bench_pgbench_inserts (id bigserial PRIMARY KEY, data jsonb NOT NULL)" >/dev/null
payload="$(dotnet "$bench" payload)"
printf "INSERT INTO bench_pgbench_inserts (data) VALUES ('%s'::jsonb);\n" "${payload//\'/\'\'}" >"$work/pgbench-insert.sql"
for c in ${append_writers//,/ }; do
  runs=()
  for _ in 1 2 3; do
    tps="$(PGPASSWORD="$(pg_read_secret "$PG_HOME/superuser.password")" "$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared \
      -f "$work/pgbench-insert.sql" -c "$c" -j "$(( c < 2 ? c : 2 ))" -T "$append_seconds" provenance_bench_pgbench 2>&1 |
      sed -n 's/^tps = \([0-9.]*\).*/\1/p' | tail -n 1)"
    [ -n "$tps" ] || { echo "pgbench gave no figure at $c clients." >&2; exit 1; }
    runs+=("$tps")
  done
  median="$(printf '%s\n' "${runs[@]}" | sort -g | sed -n 2p)"
  echo "  pgbench, $c client(s): ${runs[*]} transactions/s (median $median)"
  echo "RESULT pgbench.w$c.tps=$median" | collect >/dev/null
done

step "Appends with the stream index on and off ($index_writers writers, ${append_seconds} s each, $index_repeat turns)"
pg_ensure_roles_and_db provenance_bench_index
dotnet "$bench" index-appends --connection "$(pg_role_connection_string provenance_bench_index provenance_app)" \
  --migrations-connection "$(pg_role_connection_string provenance_bench_index provenance_owner)" \
  --writers "$index_writers" --seconds "$append_seconds" --repeat "$index_repeat" 2>&1 | collect

step "Marten 9 side by side (single events: $append_writers writers; 100-event appends: $batch_writers; a transaction held ${hold_seconds} s among $stall_writers writers)"
# #20: the same event, the same cluster, one database for both stores, taking turns (docs/decisions/0005).
pg_ensure_roles_and_db provenance_bench_marten
dotnet "$bench" marten --connection "$(pg_role_connection_string provenance_bench_marten provenance_app)" \
  --migrations-connection "$(pg_role_connection_string provenance_bench_marten provenance_owner)" \
  --writers "$append_writers" --batch-writers "$batch_writers" --seconds "$append_seconds" --repeat "$marten_repeat" \
  --hold-seconds "$hold_seconds" --stall-writers "$stall_writers" 2>&1 | collect

step "Loading a scenario of $events events (seed $seed)"
dotnet "$bench" load --connection "$app_cs" --migrations-connection "$owner_cs" --events "$events" --seed "$seed" \
  --chains "$chains" --depth "$depth" 2>&1 | collect

step "Rebuilding every projection from the log"
dotnet "$bench" rebuild --connection "$app_cs" --migrations-connection "$owner_cs" 2>&1 | collect

step "The stream index: catching up with the whole log, signing checkpoints, proof sizes"
dotnet "$bench" stream-index --connection "$app_cs" --migrations-connection "$owner_cs" ${tiny:+--rounds 2 --appends 50} 2>&1 | collect

step "Starting the API"
start_api
mark_rss startup
step "Lineage of the flagship model version ($((chains * depth)) dataset versions, depth $depth)"
lineage lineage
lineage lineage_moving --writes-per-second 50
mark_rss lineage
step "The workspace in a browser: the overview and a dataset page rendered (headless Chromium, $render_runs runs each)"
(cd "$repo/src/Provenance.Explorer" && PROVENANCE_URL="$api_url" PROVENANCE_API_KEY="$admin_key" node tests/render.bench.mjs "$render_runs") 2>&1 | collect
mark_rss render
step "HTTP appends: POST /datasets by wrk, 64 connections (${http_warmup} s warm-up, then ${http_seconds} s)"
# The warm-up lets the runtime's tiered compilation finish: the figures are the service's steady state.
PROVENANCE_API_KEY="$admin_key" wrk -t1 -c64 -d"${http_warmup}s" -s "$repo/deploy/bench/register-dataset.lua" "$api_url/datasets" >/dev/null
PROVENANCE_API_KEY="$admin_key" wrk -t1 -c64 -d"${http_seconds}s" --latency -s "$repo/deploy/bench/register-dataset.lua" "$api_url/datasets" 2>&1 | collect
[ "$(result http.failed)" = "0" ] || { echo "Some HTTP appends failed ($(result http.failed))." >&2; exit 1; }
mark_rss http
step "Exporting the whole ledger as one audit bundle, and verifying it offline"
# A failed export is a figure too (#22: at 1M events it has run out of the 384 MB heap): the table
# says so, the other steps still run, and the script exits non-zero at the end.
if ! PROVENANCE_API_KEY="$admin_key" dotnet "$bench" export --url "$api_url" --cli "$cli" 2>&1 | collect; then
  reason="$(grep -o '"@x":"[A-Za-z.]*Exception' "$work/api.log" | tail -n 1 | sed 's/.*"@x":"//')"
  echo "The export failed (${reason:-no exception logged}); the API's log ends:" >&2
  tail -n 20 "$work/api.log" >&2
  echo "export.failed=${reason:-failed}" >>"$results"
  failed_steps="export"
fi
mark_rss export
stop_api
step "Lineage again, with answer reuse turned off"
start_api Provenance__Cache__LineageBytes=0
lineage lineage_cold
mark_rss lineage_cold
stop_api
echo "api.peak_rss_mb=$peak_rss_mb" >>"$results"
if [ -n "$tiny" ]; then
  # The growth table's steps, at one tiny size, so CI checks them as it checks the rest.
  scale_run 4000
  cat "$work/scale.md"
fi

step "BenchmarkDotNet: the hot in-process paths"
micro="$work/micro.md"
dotnet build -c Release tests/Provenance.MicroBenchmarks/Provenance.MicroBenchmarks.csproj -v quiet -nologo >/dev/null
dotnet "$repo/tests/Provenance.MicroBenchmarks/bin/Release/net10.0/Provenance.MicroBenchmarks.dll" ${tiny:+--tiny} >"$work/micro.log" 2>&1 ||
  { tail -n 40 "$work/micro.log" >&2; echo "The micro-benchmarks failed." >&2; exit 1; }
# Each class's table, as BenchmarkDotNet printed it (a baseline per class, Ratio against it).
awk '/^\| Method/ { keep = 1 } keep && /^\|/ { print; next } keep && !/^\|/ { keep = 0; print "" }' "$work/micro.log" >"$micro"
cat "$micro"

commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$repo" diff --quiet 2>/dev/null || echo '+changes')"
cpu="$(sed -n 's/^model name\s*:\s*//p' /proc/cpuinfo | head -n 1)"
machine="$(nproc) cores ($cpu), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'), .NET $(dotnet --version)"
table="$work/table.md"
{
  echo "| Benchmark | Figure | Target |"
  echo "|---|---|---|"
  for w in ${append_writers//,/ }; do
    echo "| Single-event appends (integrity checks, inline lineage), $w writer(s) | $(printf '%.0f' "$(result "append.w$w.events_per_s")") events/s ($(result "append.w$w.per_transaction") per transaction) = $(result "append.w$w.ratio")× plain single-row INSERT transactions of the same payload ($(printf '%.0f' "$(result "plain.w$w.rows_per_s")")/s) | ≥ 1.0× at 32 writers |"
  done
  for w in ${append_writers//,/ }; do
    echo "| Single-event appends against PostgreSQL's own client, $w writer(s) / client(s) | ours $(printf '%.0f' "$(result "append.w$w.events_per_s")") events/s, pgbench $(printf '%.0f' "$(result "pgbench.w$w.tps")") single-row INSERT transactions/s of the same payload: ours = $(awk -v a="$(result "append.w$w.events_per_s")" -v b="$(result "pgbench.w$w.tps")" 'BEGIN { printf "%.2f", a / b }')× pgbench | ≥ 1.5× at 32 (#22) |"
  done
  for w in ${batch_writers//,/ }; do
    echo "| Batched appends, 100 events per append, $w writer(s) | $(printf '%.0f' "$(result "batched.w$w.events_per_s")") events/s = $(result "batched.w$w.ratio")× plain 100-row INSERTs of the same rows into a bare copy of the events table ($(printf '%.0f' "$(result "batched_plain.w$w.rows_per_s")") rows/s) | ≥ 50,000 events/s |"
  done
  for w in ${append_writers//,/ }; do
    echo "| Marten 9.62 beside ours, single-event appends (Marten: Quick mode, one event per session), $w writer(s) | ours $(printf '%.0f' "$(result "marten.single.w$w.ours_per_s")") events/s, Marten $(printf '%.0f' "$(result "marten.single.w$w.marten_per_s")") events/s: ours = $(result "marten.single.w$w.ratio")× Marten | ≥ 3× at 32 writers (#22) |"
  done
  for w in ${batch_writers//,/ }; do
    echo "| Marten 9.62 beside ours, 100-event appends, $w writer(s) | ours $(printf '%.0f' "$(result "marten.batched.w$w.ours_per_s")") events/s, Marten $(printf '%.0f' "$(result "marten.batched.w$w.marten_per_s")") events/s: ours = $(result "marten.batched.w$w.ratio")× Marten | — |"
  done
  for store in ours marten; do
    echo "| A transaction holding its append ${hold_seconds} s among $stall_writers writers, $store: the writers, and the store's own asynchronous consumer | writers $(printf '%.0f' "$(result "stall.$store.writes_per_s_while_held")") events/s while it was held ($(printf '%.0f' "$(result "stall.$store.writes_per_s")") overall; longest write $(result "stall.$store.longest_write_s") s); consumer lag up to $(result "stall.$store.consumer_lag_s") s; $(result "stall.$store.skipped") of $(result "stall.$store.committed") committed events skipped, $(result "stall.$store.out_of_order") out of order, the held event seen: $(result "stall.$store.held_event_seen") | none skipped, none out of order |"
  done
  echo "| Single-event appends, $index_writers writers, the stream index following the log (off: the Merkle tree alone) | $(printf '%.0f' "$(result "index_appends.w$index_writers.on_per_s")") events/s = $(result "index_appends.w$index_writers.ratio")× the same with the index off ($(printf '%.0f' "$(result "index_appends.w$index_writers.off_per_s")")/s) | ≥ 0.9× |"
  echo "| Scenario load through the append path | $(result load.events) events in $(result load.appends) appends ($(result load.transactions) transactions): $(printf '%.0f' "$(result load.events_per_s)") events/s | minutes for 1M |"
  for p in lineage catalog; do
    echo "| Rebuild of the $p projection from the $(result load.events)-event log | $(printf '%.0f' "$(result "rebuild.$p.log_events_per_s")") log events/s ($(result "rebuild.$p.events") events of its types applied); reading the whole log alone: $(printf '%.0f' "$(result read.events_per_s)") events/s | ≥ 60,000 events/s (#22) |"
  done
  echo "| The integrator catching up with the $(result index.log_events)-event log: Merkle tree and stream index ($(result index.streams) streams) | $(printf '%.0f' "$(result index.integrator_per_s)") events/s; the index alone $(printf '%.0f' "$(result index.catch_up_per_s)") events/s = $(result index.catch_up_ratio)× reading the log as it reads it ($(printf '%.0f' "$(result index.read_per_s)") events/s) | ≥ 20,000 events/s |"
  echo "| Signing a checkpoint of the $(result index.checkpoint_tree_size)-event ledger after new appends, with the stream index update | median $(result index.checkpoint_ms_median) ms, slowest $(result index.checkpoint_ms_max) ms | ≤ 1 s |"
  echo "| A stream index map proof ($(result index.streams) streams, $(result index.proof_hashes) hashes) | median $(result index.proof_bytes_median) bytes, largest $(result index.proof_bytes_max) bytes | ≤ 2 KB |"
  for mode in "lineage:log at rest" "lineage_moving:log moving, $(result lineage_moving.writes) unrelated appends meanwhile" "lineage_cold:answer reuse off, every answer computed"; do
    key="${mode%%:*}"
    echo "| Lineage ($((chains * depth)) dataset versions, depth $depth, $(result load.events)-event ledger), ${mode#*:} | p50 $(result "$key.p50_ms") ms, p95 $(result "$key.p95_ms") ms, p99 $(result "$key.p99_ms") ms ($(result "$key.bytes") bytes) | p95 ≤ 20 ms |"
  done
  echo "| The workspace in headless Chromium on the $(result load.events)-event ledger, from its address to its data on screen: the overview (counts and what needs attention), a dataset page | overview median $(result render.overview_ms) ms (slowest $(result render.overview_max_ms) ms), dataset page median $(result render.dataset_ms) ms (slowest $(result render.dataset_max_ms) ms) | < 1 s each |"
  echo "| The overview's clearance tally in the background: every dataset version judged by the clearance rules | $(result tally.versions) versions in $(result tally.seconds) s | — |"
  echo "| HTTP appends (POST /datasets, one event each), wrk, 64 connections | $(printf '%.0f' "$(result http.events_per_s)") events/s, p50 $(result http.p50_ms) ms, p99 $(result http.p99_ms) ms ($(result http.requests) requests, $(result http.failed) failed) | ≥ 4,000 events/s, p99 ≤ 50 ms (#22) |"
  if [ -n "$(result export.failed)" ]; then
    echo "| Export of the whole ledger as one audit bundle (ZIP) | **failed**: $(result export.failed) in the API (heap capped at 384 MB) | ≥ 50,000 events/s, ≤ 400 MB (#22) |"
    echo "| Offline verification of that bundle | not run (no bundle) | ≥ 250,000 events/s (#22) |"
  else
    echo "| Export of the whole ledger as one audit bundle (ZIP) | $(result export.events) events, $(printf '%.0f' "$(result export.events_per_s)") events/s, $(result export.mb_per_s) MB/s ($(awk -v b="$(result export.bytes)" 'BEGIN { printf "%.0f", b / 1e6 }') MB) | ≥ 50,000 events/s, ≤ 400 MB (#22) |"
    echo "| Offline verification of that bundle | $(printf '%.0f' "$(result verify.events_per_s)") events/s, $(result verify.mb_per_s) MB/s; raw SHA-256 on one core: $(printf '%.0f' "$(result sha256.mb_per_s)") MB/s | ≥ 250,000 events/s (#22) |"
  fi
  echo "| API peak resident memory (per step: start-up and catch-up $(result rss.startup), lineage $(result rss.lineage), workspace pages $(result rss.render), HTTP appends $(result rss.http), export $(result rss.export), lineage without reuse $(result rss.lineage_cold)) | $(result api.peak_rss_mb) MB | ≤ 400 MB during the export (#22) |"
} >"$table"

step "Results"
echo "Machine: $machine"
echo "Date: $(date -u +%Y-%m-%d), commit $commit, seed $seed"
cat "$table"

if [ -n "$write" ]; then
  out="$repo/docs/benchmarks.md"
  begin='<!-- bench:begin -->' end='<!-- bench:end -->'
  block="$work/block.md"
  {
    echo "$begin"
    echo "Measured by \`bash deploy/bench.sh --events $events --seed $seed\` on $(date -u +%Y-%m-%d), commit $commit."
    echo "Machine: $machine."
    echo
    cat "$table"
    echo
    echo "The hot in-process paths (BenchmarkDotNet, in-process, short run; Ratio is against the first row of each table):"
    echo
    cat "$micro"
    echo "$end"
  } >"$block"
  if [ -f "$out" ] && grep -q "$begin" "$out"; then
    awk -v block="$block" -v b="$begin" -v e="$end" '
      $0 == b { while ((getline line < block) > 0) print line; skip = 1; next }
      $0 == e { skip = 0; next }
      !skip { print }' "$out" >"$work/out.md"
    cp "$work/out.md" "$out"
  else
    { echo "# Benchmarks"; echo; cat "$block"; } >"$out"
  fi
  echo "Wrote $out."
fi
if [ -n "$failed_steps" ]; then
  echo "A step failed: $failed_steps (its row says how)." >&2
  exit 1
fi
[ -n "$tiny" ] && echo "Tiny run complete." || true
