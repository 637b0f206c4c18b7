#!/usr/bin/env bash
# The test command: builds the solution and runs every test project, then prints "N passed, N failed".
# It needs only the .NET SDK pinned in global.json; later suites that need PostgreSQL or an S3 server will install
# and start them from here (see ../shared/docs/test-infra.md), never by hand.
set -euo pipefail
cd "$(dirname "$0")"

results="$PWD/TestResults"
rm -rf "$results"

status=0
dotnet test --solution Starcite.sln -c Release --results-directory "$results" --report-xunit-junit "$@" || status=$?

scripts/count-test-results.sh "$results" || status=1
exit "$status"
