#!/usr/bin/env bash
# Runs the archive adapters' load mode against a throwaway PostgreSQL and s3rver on loopback (scripts/test-infra.sh),
# then stops both. Arguments go to `load`, for example:
#   scripts/bench-archive.sh archive-write --store postgres --events 100000 --sessions 100 --payload 1024 --method all
#   scripts/bench-archive.sh archive-read --store s3 --events 100000 --payload 1024
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/test-infra.sh
infra_install
trap infra_down EXIT
infra_up
dotnet run -c Release --project benchmarks/Starcite.Benchmarks -- load "$@"
