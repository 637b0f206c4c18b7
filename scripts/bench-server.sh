#!/usr/bin/env bash
# Runs the server and cluster targets' load commands one after another (docs/benchmarks.md, "HTTP server" and
# "Cluster"), each against Release server processes the load tool starts on loopback, and keeps the whole output in
# benchmarks/results/server-targets.txt. Run it on a quiet machine: everything shares the same cores.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build benchmarks/Starcite.Benchmarks -c Release >/dev/null
out=benchmarks/results/server-targets.txt
load() {
  # Each load starts with nothing left to write back from the one before: a run's dirty pages (hundreds of MB at
  # 25k appends/s) would otherwise be flushed under the next run's O_SYNC writes and bill it for them.
  sync
  echo "\$ load $*"
  dotnet run -c Release --no-build --project benchmarks/Starcite.Benchmarks -- load "$@"
  echo
}
{
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  load http-append --connections 64 --sessions 1000 --payload 1024 --seconds 5 --rounds 3
  load http-tail --subscribers 1 --rate 1000 --payload 1024 --seconds 5 --rounds 3
  load http-tail --subscribers 1000 --rate 50 --payload 1024 --seconds 5 --rounds 3
  load http-append --cluster 3 --connections 1 --sessions 1 --payload 1024 --seconds 5 --rounds 3
  load http-append --cluster 3 --connections 64 --sessions 1000 --payload 1024 --seconds 5 --rounds 3
  load failover --cluster 3 --writers 8 --payload 1024 --kills 5
} 2>&1 | tee "$out"
