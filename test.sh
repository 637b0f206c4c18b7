#!/usr/bin/env bash
# The test command: builds the solution and runs every test project, then prints "N passed, N failed".
# It needs only the .NET SDK pinned in global.json; later suites that need PostgreSQL or an S3 server will install
# and start them from here (see ../shared/docs/test-infra.md), never by hand.
set -euo pipefail
cd "$(dirname "$0")"

results="$PWD/TestResults"
rm -rf "$results"
dotnet build Starcite.sln -c Release

# The peer adapters' smoke tests (tests/Starcite.Benchmarks.Peers.Tests) run against real servers on loopback.
source scripts/peer-infra.sh
peer_install
trap peer_down EXIT
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
