# shellcheck shell=bash
# Throwaway PostgreSQL 15 and s3rver on 127.0.0.1 for the test suite (see ../shared/docs/test-infra.md section 3).
# Source it, then: infra_install (idempotent: Debian postgresql-15, npm ci of tools/s3rver), infra_up (exports
# TEST_PG_CONNECTION, TEST_PG_{HOST,PORT,USER,PASSWORD,DATABASE}, TEST_S3_{ENDPOINT,BUCKET,REGION,ACCESS_KEY,SECRET_KEY}),
# and infra_down (stops both and deletes their temp directories; safe to call twice or after a half-started up).
INFRA_PG_BIN=${INFRA_PG_BIN:-/usr/lib/postgresql/15/bin}
INFRA_S3_TOOL_DIR=${INFRA_S3_TOOL_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tools/s3rver}
INFRA_S3_BUCKET=${INFRA_S3_BUCKET:-test-bucket}
INFRA_PG_USER=${INFRA_PG_USER:-test}
INFRA_PG_PASSWORD=${INFRA_PG_PASSWORD:-test}
INFRA_PG_DB=${INFRA_PG_DB:-test}

infra_install() {
  if [ ! -x "$INFRA_PG_BIN/initdb" ]; then      # psql alone (postgresql-client-15) is not enough
    export DEBIAN_FRONTEND=noninteractive
    mkdir -p /etc/postgresql-common/createcluster.d   # no default "main" cluster on 5432
    echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/99-no-main-cluster.conf
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
  fi
  if [ ! -f "$INFRA_S3_TOOL_DIR/node_modules/s3rver/bin/s3rver.js" ]; then
    npm ci --prefix "$INFRA_S3_TOOL_DIR" --no-audit --no-fund --loglevel=error >/dev/null
  fi
}

_infra_free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

_infra_as_pg() {   # initdb and pg_ctl refuse to run as root
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

infra_pg_up() {
  INFRA_PG_ROOT=$(mktemp -d /tmp/test-pg.XXXXXX)   # under /tmp: the postgres user must reach it
  printf '%s\n' "$INFRA_PG_PASSWORD" >"$INFRA_PG_ROOT/pwfile"
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$INFRA_PG_ROOT"; fi
  _infra_as_pg "$INFRA_PG_BIN/initdb" -D "$INFRA_PG_ROOT/data" -U "$INFRA_PG_USER" \
    --pwfile="$INFRA_PG_ROOT/pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 --no-instructions >"$INFRA_PG_ROOT/initdb.log" || return 1
  local try port
  for try in 1 2 3 4 5; do   # a free port can be taken between probe and bind: retry
    port=$(_infra_free_port)
    if _infra_as_pg "$INFRA_PG_BIN/pg_ctl" -D "$INFRA_PG_ROOT/data" -l "$INFRA_PG_ROOT/server.log" -w -t 60 \
         -o "-c listen_addresses=127.0.0.1 -p $port -k $INFRA_PG_ROOT -c fsync=off -c full_page_writes=off" \
         start >/dev/null; then
      break
    fi
    port=
  done
  [ -n "$port" ] || { cat "$INFRA_PG_ROOT/server.log" >&2; return 1; }
  PGPASSWORD=$INFRA_PG_PASSWORD "$INFRA_PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U "$INFRA_PG_USER" "$INFRA_PG_DB" || return 1
  export TEST_PG_HOST=127.0.0.1 TEST_PG_PORT=$port TEST_PG_USER=$INFRA_PG_USER \
         TEST_PG_PASSWORD=$INFRA_PG_PASSWORD TEST_PG_DATABASE=$INFRA_PG_DB
  export TEST_PG_CONNECTION="Host=127.0.0.1;Port=$port;Username=$INFRA_PG_USER;Password=$INFRA_PG_PASSWORD;Database=$INFRA_PG_DB"
}

infra_s3_up() {
  INFRA_S3_ROOT=$(mktemp -d /tmp/test-s3.XXXXXX)
  # --openssl-legacy-provider: ListObjectsV2 continuation tokens use DES (500 on Node >= 17 without it)
  NODE_OPTIONS=--openssl-legacy-provider node "$INFRA_S3_TOOL_DIR/node_modules/s3rver/bin/s3rver.js" \
    -d "$INFRA_S3_ROOT/data" -a 127.0.0.1 -p 0 --no-vhost-buckets \
    --configure-bucket "$INFRA_S3_BUCKET" --silent >"$INFRA_S3_ROOT/s3rver.log" 2>&1 </dev/null &
  INFRA_S3_PID=$!
  local i port=
  for i in $(seq 1 100); do   # -p 0: the OS picks the port; s3rver prints it even with --silent
    port=$(sed -n 's/^S3rver listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$INFRA_S3_ROOT/s3rver.log")
    [ -n "$port" ] && break
    kill -0 "$INFRA_S3_PID" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$INFRA_S3_ROOT/s3rver.log" >&2; return 1; }
  export TEST_S3_ENDPOINT=http://127.0.0.1:$port TEST_S3_BUCKET=$INFRA_S3_BUCKET TEST_S3_REGION=us-east-1 \
         TEST_S3_ACCESS_KEY=S3RVER TEST_S3_SECRET_KEY=S3RVER
}

infra_up() { infra_pg_up && infra_s3_up; }

infra_down() {
  if [ -n "${INFRA_PG_ROOT:-}" ]; then
    if [ -f "$INFRA_PG_ROOT/data/postmaster.pid" ]; then
      _infra_as_pg "$INFRA_PG_BIN/pg_ctl" -D "$INFRA_PG_ROOT/data" -m fast -w -t 30 stop >/dev/null || true
    fi
    rm -rf "$INFRA_PG_ROOT"; INFRA_PG_ROOT=
  fi
  if [ -n "${INFRA_S3_PID:-}" ]; then
    kill "$INFRA_S3_PID" 2>/dev/null || true
    local i; for i in $(seq 1 50); do kill -0 "$INFRA_S3_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$INFRA_S3_PID" 2>/dev/null || true
    wait "$INFRA_S3_PID" 2>/dev/null || true
    INFRA_S3_PID=
  fi
  if [ -n "${INFRA_S3_ROOT:-}" ]; then rm -rf "$INFRA_S3_ROOT"; INFRA_S3_ROOT=; fi
  return 0
}
