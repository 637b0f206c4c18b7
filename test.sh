#!/usr/bin/env bash
# The test command: builds the solution and runs every test project, then prints "N passed, N failed".
# It needs the .NET SDK pinned in global.json; the archive tests' PostgreSQL 15 and S3 server (s3rver) are installed
# when missing and started here on loopback, then stopped on exit (scripts/test-infra.sh), never by hand.
set -euo pipefail
cd "$(dirname "$0")"

results="$PWD/TestResults"
rm -rf "$results"
dotnet build Starcite.sln -c Release

# Real servers on loopback for the tests: PostgreSQL and s3rver for the archive tests (scripts/test-infra.sh), and
# Redis, NATS and PostgreSQL for the peer adapters' smoke tests (scripts/peer-infra.sh).
source scripts/test-infra.sh
source scripts/peer-infra.sh
infra_install
peer_install
trap 'peer_down; infra_down' EXIT # set before anything starts, so a half-started set is stopped too
infra_up                          # exports TEST_PG_CONNECTION and TEST_S3_* for the archive tests
peer_redis_up test always
peer_nats_up
peer_pg_up

# One run per test project, each with its own report file: reports named by timestamp collide when two assemblies
# finish in the same instant, and the count must come from every assembly.
status=0
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test --project "$project" -c Release --no-build --results-directory "$results" \
    --report-xunit-junit --report-xunit-junit-filename "$name.junit.xml" "$@" || status=$?
done

scripts/count-test-results.sh "$results" || status=1
exit "$status"
