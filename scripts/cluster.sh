#!/usr/bin/env bash
# Starts a 3-node Starcite cluster on loopback to try it out: the HTTP API on http://127.0.0.1:4000, :4001 and :4002,
# Raft on 127.0.0.1:7001-7003, data in ./data/cluster/node0..2. Any node takes any request (followers forward writes to
# the leader). Ctrl+C stops all three; run it again and they recover their data and elect a leader.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Starcite.Server -c Release --nologo -v quiet
members=127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003
pids=()
for i in 0 1 2; do
  STARCITE_CLUSTER_MEMBERS=$members STARCITE_CLUSTER_SELF=127.0.0.1:700$((i + 1)) STARCITE_DATA_DIR=data/cluster/node$i \
    dotnet src/Starcite.Server/bin/Release/net10.0/Starcite.Server.dll --urls "http://127.0.0.1:400$i" &
  pids+=("$!")
done
trap 'kill -TERM "${pids[@]}" 2>/dev/null; wait' INT TERM EXIT
echo "cluster starting: curl http://127.0.0.1:4000/health/ready (or :4001, :4002)"
wait
