# shellcheck shell=bash
# Throwaway redis-server, nats-server (JetStream) and PostgreSQL 15 on 127.0.0.1, each in its own temp directory on a
# free port, never the Debian services. Sourced by test.sh (the peer adapters' smoke tests) and scripts/bench-peers.sh.
#
#   source scripts/peer-infra.sh
#   peer_install                       # Debian packages, only what is missing
#   trap peer_down EXIT                # before any *_up, so a half-started set is stopped too
#   peer_redis_up NAME always|everysec # exports PEER_REDIS_<NAME>={host:port}, _PID, _DIR
#   peer_nats_up                       # exports PEER_NATS_URL, PEER_NATS_PID, PEER_NATS_DIR
#   peer_pg_up [durable]               # exports PEER_PG_CONNECTION, PEER_PG_DIR; "durable" keeps fsync on
#   peer_down                          # stops all of them and removes their directories
#
# Redis and NATS cannot be told to bind port 0, and PostgreSQL neither: each start asks the OS for a free port, and
# tries again with another when something took it in between.

PEER_PG_BIN=${PEER_PG_BIN:-/usr/lib/postgresql/15/bin}
_PEER_PIDS=()
_PEER_DIRS=()
_PEER_PG_DATA=()

peer_install() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v nats-server >/dev/null || missing+=(nats-server)
  [ -x "$PEER_PG_BIN/initdb" ] || missing+=(postgresql-15)  # psql alone (the client package) is not enough
  [ ${#missing[@]} -eq 0 ] && return 0
  export DEBIAN_FRONTEND=noninteractive
  mkdir -p /etc/postgresql-common/createcluster.d   # no default "main" cluster on 5432
  echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/99-no-main-cluster.conf
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

_peer_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
    node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Waits up to 15 s for a condition command; fails early when the process it belongs to died.
_peer_wait() {
  local pid=$1 i
  shift
  for i in $(seq 1 150); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

_peer_stop_pid() {
  local pid=$1 i
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

peer_redis_up() {
  local name=${1:?usage: peer_redis_up NAME always|everysec} fsync=${2:-always} dir port try pid
  name=$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')
  dir=$(mktemp -d /tmp/peer-redis.XXXXXX)
  _PEER_DIRS+=("$dir")
  for try in 1 2 3 4 5; do
    port=$(_peer_free_port)
    # appendonly + appendfsync is the durability under test; no RDB snapshots and no automatic AOF rewrite, so no
    # background fork lands inside a measurement.
    redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --daemonize no --save '' \
      --appendonly yes --appendfsync "$fsync" --auto-aof-rewrite-percentage 0 \
      --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1 &
    pid=$!
    if _peer_wait "$pid" redis-cli -h 127.0.0.1 -p "$port" ping; then
      _PEER_PIDS+=("$pid")
      export "PEER_REDIS_${name}=127.0.0.1:$port" "PEER_REDIS_${name}_PID=$pid" "PEER_REDIS_${name}_DIR=$dir"
      return 0
    fi
    _peer_stop_pid "$pid"
  done
  cat "$dir/redis.log" >&2
  return 1
}

peer_nats_up() {
  local dir port try pid
  dir=$(mktemp -d /tmp/peer-nats.XXXXXX)
  _PEER_DIRS+=("$dir")
  for try in 1 2 3 4 5; do
    port=$(_peer_free_port)
    nats-server -a 127.0.0.1 -p "$port" -js -sd "$dir/jetstream" -l "$dir/nats.log" </dev/null >/dev/null 2>&1 &
    pid=$!
    if _peer_wait "$pid" grep -q 'Server is ready' "$dir/nats.log"; then
      _PEER_PIDS+=("$pid")
      export PEER_NATS_URL="nats://127.0.0.1:$port" PEER_NATS_PID=$pid PEER_NATS_DIR=$dir
      return 0
    fi
    _peer_stop_pid "$pid"
  done
  cat "$dir/nats.log" >&2
  return 1
}

_peer_as_pg() {   # initdb and pg_ctl refuse to run as root
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

peer_pg_up() {
  local mode=${1:-fast} root try port options
  root=$(mktemp -d /tmp/peer-pg.XXXXXX)   # under /tmp: the postgres user must reach it
  _PEER_DIRS+=("$root")
  echo peer >"$root/pwfile"
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$root"; fi
  _peer_as_pg "$PEER_PG_BIN/initdb" -D "$root/data" -U peer --pwfile="$root/pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-instructions >"$root/initdb.log" || { cat "$root/initdb.log" >&2; return 1; }
  # Room for one LISTEN connection per subscriber of the 1,000-subscriber fan-out, plus the writers' pool.
  options="-c listen_addresses=127.0.0.1 -k $root -c max_connections=1200 -c synchronous_commit=on"
  if [ "$mode" = durable ]; then
    options="$options -c fsync=on"
  else
    options="$options -c fsync=off -c full_page_writes=off"   # tests check behaviour, not durability
  fi
  for try in 1 2 3 4 5; do
    port=$(_peer_free_port)
    if _peer_as_pg "$PEER_PG_BIN/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 -o "$options -p $port" start >/dev/null; then
      _PEER_PG_DATA+=("$root/data")
      PGPASSWORD=peer "$PEER_PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U peer peer || return 1
      export PEER_PG_CONNECTION="Host=127.0.0.1;Port=$port;Username=peer;Password=peer;Database=peer" PEER_PG_DIR="$root/data"
      return 0
    fi
  done
  cat "$root/server.log" >&2
  return 1
}

peer_down() {
  local pid data dir
  for pid in "${_PEER_PIDS[@]}"; do _peer_stop_pid "$pid"; done
  for data in "${_PEER_PG_DATA[@]}"; do
    [ -f "$data/postmaster.pid" ] && _peer_as_pg "$PEER_PG_BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1
  done
  for dir in "${_PEER_DIRS[@]}"; do rm -rf "$dir"; done
  _PEER_PIDS=() _PEER_DIRS=() _PEER_PG_DATA=()
  return 0
}
