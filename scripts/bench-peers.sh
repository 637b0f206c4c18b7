#!/usr/bin/env bash
# Side-by-side benchmark of Starcite against Redis Streams, NATS JetStream and PostgreSQL (docs/benchmarks.md, the
# section between the peers markers, and its charts in docs/img/peers/).
#
#   scripts/bench-peers.sh                      # the full run recorded in the doc (well under 30 minutes)
#   scripts/bench-peers.sh --seconds 2 --rounds 1 --replay-events 20000 --fanout 1,100 --idle-sessions 2000   # a quick look
#   scripts/bench-peers.sh --systems postgres,postgres-notify-in-commit --workloads w1,w2 --doc none   # an A/B, doc untouched
#
# It installs the peers from Debian packages when missing, starts each on loopback in its own temp directory on a free
# port (never the Debian services), runs every workload, writes the doc section, and stops everything, also when a
# step fails. Extra arguments go to `load peers` (see benchmarks/Starcite.Benchmarks/Peers/PeerBenchOptions.cs).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/peer-infra.sh
peer_install
trap peer_down EXIT

dotnet build Starcite.sln -c Release -v quiet -nologo >/dev/null

# The durability classes under test: Redis twice (fsync before each reply, and once a second), JetStream as it ships
# (acknowledged before fsync), PostgreSQL with fsync and synchronous_commit on.
peer_redis_up always always
peer_redis_up everysec everysec
peer_nats_up
peer_pg_up durable

command="scripts/bench-peers.sh${*:+ $*}"
dotnet benchmarks/Starcite.Benchmarks/bin/Release/net10.0/Starcite.Benchmarks.dll load peers \
  --doc docs/benchmarks.md --img docs/img/peers --command "$command" "$@"
