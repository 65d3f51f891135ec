#!/usr/bin/env bash
# Runs every test of ValueStreams on a fresh machine: installs what is missing (PostgreSQL, Chromium),
# starts a throwaway PostgreSQL cluster, builds, runs all test projects and ends with "N passed, N failed".
# Set VALUESTREAMS_TEST_POSTGRES to a connection string to use an existing server instead.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RESULTS="$ROOT/TestResults"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

log() { printf '[test] %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

APT_UPDATED=""
apt_install() {
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq >/dev/null && APT_UPDATED=1; fi
  log "installing $*"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# 1. What the tests need on the machine.
[ -n "$(pg_bin)" ] || apt_install postgresql
[ -x /usr/bin/chromium ] || apt_install chromium
[ -n "$(pg_bin)" ] || { echo "PostgreSQL server binaries are missing and could not be installed"; echo "0 passed, 1 failed"; exit 1; }
[ -x /usr/bin/chromium ] || { echo "Chromium is missing and could not be installed"; echo "0 passed, 1 failed"; exit 1; }

# 2. A throwaway PostgreSQL cluster, unless one is given.
PGROOT=""
stop_postgres() {
  if [ -n "$PGROOT" ] && [ -d "$PGROOT/data" ]; then
    run_pg "$(pg_bin)/pg_ctl -D $PGROOT/data -m immediate -w stop" >/dev/null 2>&1 || true
    rm -rf "$PGROOT"
  fi
}
run_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}
trap stop_postgres EXIT

if [ -z "${VALUESTREAMS_TEST_POSTGRES:-}" ]; then
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo 55432)
  PGROOT=$(mktemp -d /tmp/valuestreams-pg.XXXXXX)
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGROOT"; fi
  chmod 700 "$PGROOT"
  log "starting PostgreSQL on 127.0.0.1:$PORT ($(pg_bin))"
  run_pg "$(pg_bin)/initdb -D $PGROOT/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >"$RESULTS/initdb.log" 2>&1 \
    || { cat "$RESULTS/initdb.log"; echo "0 passed, 1 failed"; exit 1; }
  run_pg "$(pg_bin)/pg_ctl -D $PGROOT/data -l $PGROOT/server.log -w -t 60 -o \"-p $PORT -k $PGROOT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start" >/dev/null \
    || { cat "$PGROOT/server.log"; echo "0 passed, 1 failed"; exit 1; }
  export VALUESTREAMS_TEST_POSTGRES="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=postgres"
fi

# 3. Build once, then run every test project.
log "building"
if ! dotnet build ValueStreams.sln -nologo -v q >"$RESULTS/build.log" 2>&1; then
  grep -E "error|Error" "$RESULTS/build.log" | sort -u | head -50
  echo "0 passed, 1 failed"
  exit 1
fi

# The package check asks the package source and barely uses the CPU: it runs beside the tests (read in step 4).
dotnet list ValueStreams.sln package --vulnerable --include-transitive >"$RESULTS/vulnerable-packages.log" 2>&1 & vulnerable_check=$!

status=0
# The test projects sit directly under tests/; the shared helpers a level deeper (tests/Support/*) are libraries, not run.
# One run of a test project (or part of it, with a filter): results in TestResults/<name>.trx and .log.
run_tests() { # project, result name, optional filter
  dotnet test "$1" --no-build -nologo ${3:+--filter "$3"} --logger "trx;LogFileName=$2.trx" --logger "console;verbosity=normal" \
    --results-directory "$RESULTS" >"$RESULTS/$2.log" 2>&1
}
report() { grep -E "^\s+Failed [A-Za-z]|^\s*(Passed|Failed)!|^\s*Total tests:|^\s+(Passed|Failed):|: error [A-Z]+[0-9]+" "$RESULTS/$1.log" | head -40; }

for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  if [ "$name" = ValueStreams.Tests ]; then
    # The largest project runs as two processes side by side (each host test is one at a time within a process,
    # because hosts share Hangfire's global configuration): the engine's and security tests, and the rest, which
    # take about as long as each other.
    log "running $name (engine and security tests, and the rest, side by side)"
    run_tests "$project" "$name.Engine" "FullyQualifiedName~ValueStreams.Tests.Engine.|FullyQualifiedName~ValueStreams.Tests.Security." & engine=$!
    run_tests "$project" "$name.Rest" "FullyQualifiedName!~ValueStreams.Tests.Engine.&FullyQualifiedName!~ValueStreams.Tests.Security." & rest=$!
    wait $engine || status=1
    wait $rest || status=1
    report "$name.Engine"; report "$name.Rest"
    continue
  fi
  log "running $name"
  run_tests "$project" "$name" || status=1
  report "$name"
done

# 4. No package with a known vulnerability, direct or transitive: counted as one more test result.
log "checking packages for known vulnerabilities"
vulnerable_passed=0; vulnerable_failed=0
wait $vulnerable_check
listed=$?
if [ "$listed" -ne 0 ] || grep -qiE "error|unable to|could not|failed to" "$RESULTS/vulnerable-packages.log"; then
  echo "  Failed vulnerable-packages: the package sources gave no vulnerability data (see TestResults/vulnerable-packages.log):"
  grep -iE "error|warn|unable|could not|failed" "$RESULTS/vulnerable-packages.log" | head -10
  vulnerable_failed=1
elif grep -q "has the following vulnerable packages" "$RESULTS/vulnerable-packages.log"; then
  echo "  Failed vulnerable-packages: packages with known vulnerabilities:"
  grep -E "has the following vulnerable packages|^\s+>" "$RESULTS/vulnerable-packages.log" | head -40
  vulnerable_failed=1
elif ! grep -q "has no vulnerable packages" "$RESULTS/vulnerable-packages.log"; then
  echo "  Failed vulnerable-packages: unexpected output from dotnet list package --vulnerable (see TestResults/vulnerable-packages.log)"
  vulnerable_failed=1
else
  echo "  Passed vulnerable-packages: no known vulnerable package"
  vulnerable_passed=1
fi

# 5. One line that says it all, summed over the result files and the package check.
passed=$vulnerable_passed; failed=$vulnerable_failed; found=0
for trx in "$RESULTS"/*.trx; do
  [ -f "$trx" ] || continue
  found=1
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p'); f=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  e=$(echo "$counters" | sed -n 's/.* error="\([0-9]*\)".*/\1/p'); t=$(echo "$counters" | sed -n 's/.* timeout="\([0-9]*\)".*/\1/p')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0}))
done
# A test run that crashed before writing its results still counts as a failure.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
[ "$found" = 1 ] || failed=$((failed + 1))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
