#!/usr/bin/env bash
# Local infrastructure for development and tests, without Docker or systemd:
# PostgreSQL 15 and RabbitMQ 3.10 (+ management and prometheus plugins) run as plain
# background processes bound to 127.0.0.1. Data, logs, sockets and config live under
# $PLATFORM_INFRA_DIR; nothing in /etc or /var/lib is used or changed.
#
# Usage: deploy/local/infra.sh <command>
#   install  install postgresql-15, rabbitmq-server, prometheus (for promtool and
#            deploy/local/prometheus.sh; Debian's prometheus service is never started) and curl if missing (root)
#   start [postgres|rabbitmq]  install if missing, start both or one (no-op if running), print settings
#   stop [postgres|rabbitmq]   stop both (and the private epmd) or one
#   status   print running/stopped for each; exit 0 only if both run
#   env      print connection settings: eval "$(deploy/local/infra.sh env)"
#
# Settings (environment variable [default]):
#   PLATFORM_INFRA_DIR         [<repo root>/.local/infra]
#   PLATFORM_PG_PORT           [55432]  PostgreSQL
#   PLATFORM_RABBIT_PORT       [55672]  AMQP
#   PLATFORM_RABBIT_MGMT_PORT  [55673]  RabbitMQ management HTTP API
#   PLATFORM_RABBIT_DIST_PORT  [55674]  Erlang distribution
#   PLATFORM_EPMD_PORT         [55675]  private epmd
#   PLATFORM_RABBIT_PROM_PORT  [55676]  RabbitMQ prometheus plugin (/metrics, /metrics/detailed)
#   PLATFORM_RABBIT_NODE       [platform@localhost]
#   PLATFORM_PG_SHARED_BUFFERS [1GB]    PostgreSQL shared_buffers
# Credentials: PostgreSQL role "platform" (superuser: the tests create and drop
# schemas and roles), database "platform"; RabbitMQ user "platform",
# administrator with full permissions on vhost "/" (the tests create vhosts);
# no RabbitMQ guest user. Passwords, and the key the services check access
# tokens with, are random, made on first start and kept (mode 600) in
# $PLATFORM_INFRA_DIR/secrets; `env` prints them. install/start/stop/env need root
# (or the owner of that directory).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
INFRA_DIR="${PLATFORM_INFRA_DIR:-$REPO_ROOT/.local/infra}"
[[ $INFRA_DIR == /* ]] || INFRA_DIR="$PWD/$INFRA_DIR"
PG_PORT="${PLATFORM_PG_PORT:-55432}"
RABBIT_PORT="${PLATFORM_RABBIT_PORT:-55672}"
MGMT_PORT="${PLATFORM_RABBIT_MGMT_PORT:-55673}"
DIST_PORT="${PLATFORM_RABBIT_DIST_PORT:-55674}"
EPMD_PORT="${PLATFORM_EPMD_PORT:-55675}"
PROM_PORT="${PLATFORM_RABBIT_PROM_PORT:-55676}"
RABBIT_NODE="${PLATFORM_RABBIT_NODE:-platform@localhost}"

PG_BIN=/usr/lib/postgresql/15/bin
PG_DIR="$INFRA_DIR/postgres"
PG_DATA="$PG_DIR/data"
PG_SOCK_DIR="$PG_DIR/socket"
PG_LOG="$PG_DIR/postgres.log"
RMQ_BIN=/usr/lib/rabbitmq/bin
RMQ_DIR="$INFRA_DIR/rabbitmq"
RMQ_LOG_DIR="$RMQ_DIR/log"
RMQ_PID_FILE="$RMQ_DIR/rabbitmq.pid"
EPMD_PID_FILE="$RMQ_DIR/epmd.pid"
MGMT_URL="http://127.0.0.1:$MGMT_PORT"
PROM_URL="http://127.0.0.1:$PROM_PORT"
SECRETS_DIR="$INFRA_DIR/secrets"

log() { printf '[infra] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ms() { local t="${EPOCHREALTIME/[.,]/}"; echo $((t / 1000)); }

for p in "$PG_PORT" "$RABBIT_PORT" "$MGMT_PORT" "$DIST_PORT" "$EPMD_PORT" "$PROM_PORT"; do
  [[ $p =~ ^[0-9]+$ ]] || die "port '$p' is not a number"
done
[[ $RABBIT_NODE =~ ^[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+$ ]] || die "bad PLATFORM_RABBIT_NODE '$RABBIT_NODE'"

# ---------------------------------------------------------------- helpers ---
# Run "$@" every 0.2 s until it succeeds; give up after $1 seconds.
wait_until() {
  local tries=$(($1 * 5)) what="$2"
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((--tries > 0)) || { log "timed out waiting for $what"; return 1; }
    sleep 0.2
  done
}

# Zombies count as dead: kill -0 succeeds on them, and where PID 1 does not
# reap orphans (some container inits) an exited daemon stays a zombie.
alive() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ -n $stat && ${stat:0:1} != [ZX] ]]
}
wait_gone() {  # pid, seconds
  local tries=$(($2 * 5))
  while alive "$1"; do
    ((--tries > 0)) || return 1
    sleep 0.2
  done
}

# Print the PID stored in file $1 if that process is alive and named $2.
live_pid_from() {
  local pid
  pid="$(head -n 1 "$1" 2>/dev/null)" || return 1
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" && [[ "$(cat "/proc/$pid/comm")" == "$2" ]] && echo "$pid"
}

port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

require_free_port() {  # port, what, env var to change it
  port_in_use "$1" || return 0
  local who=""
  command -v ss >/dev/null 2>&1 && who="$(ss -Hltnp "sport = :$1" 2>/dev/null | head -n 2 | tr -s " ")"
  die "port $1 ($2) is already in use by another process${who:+: $who}. Stop it or set $3."
}

require_root() { ((EUID == 0)) || die "'$1' must run as root (PostgreSQL runs as the postgres OS user)."; }

# ---------------------------------------------------------------- secrets ---
# Prints secret $1, making it on first use: 48 hex digits (192 bits), so it
# needs no quoting in a URI or a connection string.
secret() {
  local file="$SECRETS_DIR/$1"
  if [[ ! -s $file ]]; then
    (umask 077 && mkdir -p "$SECRETS_DIR" && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$file") \
      || die "cannot write $file"
  fi
  [[ -r $file ]] || die "cannot read $file: run as root or as the owner of $SECRETS_DIR"
  cat "$file"
}
pg_password() { secret postgres-password; }
rmq_password() { secret rabbitmq-password; }
jwt_key() { secret jwt-signing-key; }
# curl reads the credentials from stdin, so they never show in a process list.
mgmt_curl() { printf 'user = "platform:%s"\n' "$(rmq_password)" | curl -K - "$@"; }

# ---------------------------------------------------------------- install ---
cmd_install() {
  local -a missing=()
  [[ -x $PG_BIN/initdb ]] || missing+=(postgresql-15)
  [[ -x $RMQ_BIN/rabbitmq-server ]] || missing+=(rabbitmq-server)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v pgrep >/dev/null 2>&1 || missing+=(procps)
  [[ -x /usr/bin/prometheus && -x /usr/bin/promtool ]] || missing+=(prometheus)
  if ((${#missing[@]} == 0)); then
    log "packages present: postgresql-15, rabbitmq-server, prometheus, curl"
    return 0
  fi
  ((EUID == 0)) || die "missing packages: ${missing[*]}. Run '$0 install' as root (or: sudo apt-get install ${missing[*]})."
  log "installing: ${missing[*]}"
  apt-get update >&2
  # Packages start their services on install unless policy-rc.d says no. Debian's prometheus would
  # listen on *:9090 with its own data in /var/lib; the project runs its own (deploy/local/prometheus.sh)
  # only when asked. A policy-rc.d that is already there (container images ship one) is left alone.
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# Written by deploy/local/infra.sh for the length of one apt-get install.\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    made_policy=1
  fi
  local rc=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 || rc=$?
  ((made_policy)) && rm -f "$policy"
  ((rc == 0)) || die "apt-get install ${missing[*]} failed"
  # The package also enables its unit for the next boot; under systemd, undo that.
  if [[ " ${missing[*]} " == *" prometheus "* && -d /run/systemd/system ]]; then
    systemctl disable --now prometheus >&2 || log "could not disable Debian's prometheus service"
  fi
}

# ------------------------------------------------------------- postgresql ---
as_postgres() { (cd / && runuser -u postgres -- "$@"); }
pg_pid() { live_pid_from "$PG_DATA/postmaster.pid" postgres; }
pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d postgres; }

pg_prepare() {
  mkdir -p "$INFRA_DIR"
  install -d -o postgres -g postgres -m 700 "$PG_DIR" "$PG_SOCK_DIR"
  [[ -e $PG_LOG ]] || install -o postgres -g postgres -m 600 /dev/null "$PG_LOG"
  local d="$INFRA_DIR"  # the postgres user must be able to walk down to $PG_DIR
  while [[ $d != / ]]; do
    as_postgres test -x "$d" || { log "adding o+x to $d for the postgres user"; chmod o+x "$d"; }
    d="$(dirname "$d")"
  done
  local sock="$PG_SOCK_DIR/.s.PGSQL.$PG_PORT"
  ((${#sock} <= 107)) || die "unix socket path too long (${#sock} > 107 chars): $sock; use a shorter PLATFORM_INFRA_DIR"
  if [[ ! -f $PG_DATA/PG_VERSION ]]; then
    log "initializing PostgreSQL cluster in $PG_DATA"
    # Dev sandbox auth: trust on the unix socket (its directory is mode 700, so
    # only postgres/root can use it); scram-sha-256 passwords over TCP.
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >>"$PG_LOG" 2>&1 || die "initdb failed, see $PG_LOG"
    echo "include_if_exists = 'platform.conf'" >>"$PG_DATA/postgresql.conf"
  fi
  cat >"$PG_DATA/platform.conf" <<EOF
# Written by deploy/local/infra.sh on every start.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK_DIR'
max_connections = 300
# The read models stay in memory: the search index and the incidents a page loads (1M incidents ~ 2 GB).
shared_buffers = ${PLATFORM_PG_SHARED_BUFFERS:-1GB}
EOF
  chown postgres:postgres "$PG_DATA/platform.conf"
}

pg_bootstrap() {  # idempotent: role and database "platform", the password from the secrets directory
  # The password travels as a psql variable on stdin (not on a command line).
  local sql
  sql="$(cat <<'SQL'
SELECT format('CREATE ROLE platform LOGIN SUPERUSER PASSWORD %L', :'password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'platform') \gexec
SELECT format('ALTER ROLE platform LOGIN SUPERUSER PASSWORD %L', :'password') \gexec
SELECT 'CREATE DATABASE platform OWNER platform'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'platform') \gexec
SQL
)"
  printf '\\set password %s\n%s\n' "$(pg_password)" "$sql" \
    | as_postgres "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK_DIR" -p "$PG_PORT" -U postgres -d postgres >/dev/null
}

pg_start() {
  local pid
  if pid="$(pg_pid)"; then
    log "PostgreSQL already running (pid $pid)"
  else
    require_free_port "$PG_PORT" PostgreSQL PLATFORM_PG_PORT
    pg_prepare
    # After a crash the lock files name a dead PID. postgres clears them itself
    # unless that PID is an unreaped zombie (kill -0 works), so remove them here.
    # Old backends still attached to shared memory are still detected by postgres.
    if [[ -e $PG_DATA/postmaster.pid ]]; then
      log "removing stale lock files (postmaster pid $(head -n 1 "$PG_DATA/postmaster.pid") is gone)"
      rm -f "$PG_DATA/postmaster.pid" "$PG_SOCK_DIR"/.s.PGSQL."$PG_PORT".lock
    fi
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT (log: $PG_LOG)"
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 30 -s start >&2 \
      || { tail -n 15 "$PG_LOG" >&2; die "PostgreSQL failed to start, see $PG_LOG"; }
  fi
  wait_until 30 "PostgreSQL to accept connections" pg_ready || die "PostgreSQL is not ready, see $PG_LOG"
  pg_bootstrap || die "could not create role/database platform"
}

pg_stop() {
  local pid
  if pid="$(pg_pid)"; then
    log "stopping PostgreSQL (pid $pid)"
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 -s stop >&2 || die "pg_ctl stop failed, see $PG_LOG"
  else
    log "PostgreSQL is not running"
  fi
}

# --------------------------------------------------------------- rabbitmq ---
# Everything private: HOME holds the Erlang cookie shared by server and CLI.
RMQ_ENV=(
  HOME="$RMQ_DIR/home" LC_ALL=C.UTF-8
  RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf"
  RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf"
  RABBITMQ_CONFIG_FILES="$RMQ_DIR/conf.d"
  RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_DIR/advanced.config"
  RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
  RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia"
  RABBITMQ_LOG_BASE="$RMQ_LOG_DIR"
  RABBITMQ_PID_FILE="$RMQ_PID_FILE"
  ERL_CRASH_DUMP="$RMQ_LOG_DIR/erl_crash.dump"
  RABBITMQ_NODENAME="$RABBIT_NODE"
  RABBITMQ_NODE_PORT="$RABBIT_PORT"
  RABBITMQ_DIST_PORT="$DIST_PORT"
  ERL_EPMD_PORT="$EPMD_PORT" ERL_EPMD_ADDRESS=127.0.0.1
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
)
rmqctl() { env "${RMQ_ENV[@]}" "$RMQ_BIN/rabbitmqctl" -n "$RABBIT_NODE" "$@"; }
# Falls back to the VM's command line (it contains our private HOME) in case the
# pid file was deleted under a running node, e.g. by `git clean -fdx`.
rmq_pid() { live_pid_from "$RMQ_PID_FILE" beam.smp || pgrep -o -f "/beam\.smp .* -home $RMQ_DIR/home( |\$)"; }
mgmt_answers() { [[ "$(curl -s -o /dev/null -w '%{http_code}' "$MGMT_URL/api/overview")" != 000 ]]; }
mgmt_ok() { mgmt_curl -fsS -o /dev/null "$MGMT_URL/api/overview"; }
prom_answers() { curl -fsS -o /dev/null "$PROM_URL/metrics"; }
# Our epmd is started with `-port N`, which tells it apart from a system epmd.
epmd_pid() { pgrep -o -f "^([^ ]*/)?epmd -port $EPMD_PORT( |\$)"; }

epmd_start() {
  local pid
  if ! pid="$(epmd_pid)"; then
    require_free_port "$EPMD_PORT" epmd PLATFORM_EPMD_PORT
    ERL_EPMD_ADDRESS=127.0.0.1 epmd -port "$EPMD_PORT" -daemon
    wait_until 5 "epmd to start" epmd_pid || die "could not start epmd on port $EPMD_PORT"
    pid="$(epmd_pid)"
    log "started epmd on 127.0.0.1:$EPMD_PORT (pid $pid)"
  fi
  echo "$pid" >"$EPMD_PID_FILE"
}

epmd_stop() {  # only ever the epmd on our private port
  local pid
  pid="$(live_pid_from "$EPMD_PID_FILE" epmd)" || pid="$(epmd_pid)" || pid=""
  if [[ -n $pid ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -Eq "epmd -port $EPMD_PORT( |\$)"; then
    log "stopping epmd (pid $pid)"
    kill "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$EPMD_PID_FILE"
}

rmq_prepare() {
  mkdir -p "$RMQ_DIR/home" "$RMQ_DIR/mnesia" "$RMQ_DIR/conf.d" "$RMQ_LOG_DIR"
  chmod 700 "$RMQ_DIR/home"
  : >"$RMQ_DIR/rabbitmq-env.conf"  # empty, so /etc/rabbitmq/rabbitmq-env.conf is not read
  echo '[rabbitmq_management,rabbitmq_prometheus].' >"$RMQ_DIR/enabled_plugins"
  cat >"$RMQ_DIR/rabbitmq.conf" <<EOF
# Written by deploy/local/infra.sh on every start.
listeners.tcp.default = 127.0.0.1:$RABBIT_PORT
loopback_users.guest = true
management.tcp.ip = 127.0.0.1
management.tcp.port = $MGMT_PORT
# Prometheus scrapes: /metrics (aggregated), /metrics/per-object, /metrics/detailed?vhost=...&family=...
# (per queue: see the README's Operators section). No credentials, hence loopback only.
prometheus.tcp.ip = 127.0.0.1
prometheus.tcp.port = $PROM_PORT
EOF
  local cookie="$RMQ_DIR/home/.erlang.cookie"
  if [[ ! -s $cookie ]]; then
    (umask 077 && od -An -tx1 -N20 /dev/urandom | tr -d ' \n' >"$cookie")
    chmod 400 "$cookie"
  fi
}

rmq_abort() {  # $1 = launcher pid (a process group leader thanks to setsid)
  log "RabbitMQ failed to start; from $RMQ_LOG_DIR/console.log:"
  grep -m 12 '\[error\]' "$RMQ_LOG_DIR/console.log" >&2 || tail -n 20 "$RMQ_LOG_DIR/console.log" >&2 || true
  kill -TERM -- "-$1" 2>/dev/null || true
  wait_gone "$1" 15 || kill -KILL -- "-$1" 2>/dev/null || true
  rm -f "$RMQ_PID_FILE"
  epmd_stop
  die "RabbitMQ did not start, see $RMQ_LOG_DIR"
}

rmq_start() {
  local pid launcher deadline=$((SECONDS + 60))
  if pid="$(rmq_pid)"; then
    log "RabbitMQ already running (pid $pid)"
    epmd_start  # no-op unless our epmd died; the node re-registers by itself
  else
    rm -f "$RMQ_PID_FILE"  # stale after a crash
    require_free_port "$RABBIT_PORT" "RabbitMQ AMQP" PLATFORM_RABBIT_PORT
    require_free_port "$MGMT_PORT" "RabbitMQ management" PLATFORM_RABBIT_MGMT_PORT
    require_free_port "$DIST_PORT" "RabbitMQ distribution" PLATFORM_RABBIT_DIST_PORT
    require_free_port "$PROM_PORT" "RabbitMQ prometheus plugin" PLATFORM_RABBIT_PROM_PORT
    rmq_prepare
    epmd_start
    log "starting RabbitMQ $RABBIT_NODE on 127.0.0.1:$RABBIT_PORT, management :$MGMT_PORT, prometheus :$PROM_PORT (logs: $RMQ_LOG_DIR)"
    # The real script, not the /usr/sbin wrapper (that one switches to the
    # rabbitmq user). A plain command, so $! is the launcher itself.
    [[ -e $RMQ_LOG_DIR/console.log ]] && mv -f "$RMQ_LOG_DIR/console.log" "$RMQ_LOG_DIR/console.log.1"
    env "${RMQ_ENV[@]}" setsid nohup "$RMQ_BIN/rabbitmq-server" >>"$RMQ_LOG_DIR/console.log" 2>&1 </dev/null &
    launcher=$!
    # The pid file appears early in boot; await_startup then fails fast until
    # the node is registered with epmd, so retry it until the deadline.
    until rmq_pid >/dev/null && rmqctl -q await_startup --timeout 60 >/dev/null 2>&1; do
      if ! alive "$launcher" || ((SECONDS >= deadline)); then rmq_abort "$launcher"; fi
      sleep 0.2
    done
  fi
  wait_until 60 "the RabbitMQ management API" mgmt_answers || die "no answer from $MGMT_URL"
  rmq_bootstrap
  wait_until 30 "the management API to accept user platform" mgmt_ok || die "management API rejects user platform"
  # A node started by an older infra.sh runs without the plugin; its enabled_plugins and config are
  # read at boot only, so say how to get it rather than restart a broker others may be using.
  wait_until 10 "the RabbitMQ prometheus plugin" prom_answers \
    || log "WARNING: no RabbitMQ metrics on $PROM_URL/metrics (node started before rabbitmq_prometheus was enabled?); restart it: $0 stop rabbitmq && $0 start rabbitmq"
}

rmq_user_ok() {  # platform is an administrator with full permissions on vhost /
  local me perms k
  me="$(mgmt_curl -fsS "$MGMT_URL/api/whoami" 2>/dev/null)" || return 1
  perms="$(mgmt_curl -fsS "$MGMT_URL/api/permissions/%2F/platform" 2>/dev/null)" || return 1
  # No guest: it is an administrator with a well-known password (loopback-only, but still).
  [[ "$(mgmt_curl -s -o /dev/null -w '%{http_code}' "$MGMT_URL/api/users/guest")" == 404 ]] || return 1
  [[ $me == *'"administrator"'* ]] || return 1
  for k in configure write read; do
    [[ $perms == *"\"$k\":\".*\""* ]] || return 1
  done
}

rmq_bootstrap() {  # the quick HTTP check above avoids three slow CLI calls
  rmq_user_ok && return 0
  log "configuring RabbitMQ user platform (administrator, full permissions on /)"
  # rabbitmqctl takes the password as an argument only; it runs for a moment, as root, on this machine.
  rmqctl -q add_user platform "$(rmq_password)" >/dev/null 2>&1 || rmqctl -q change_password platform "$(rmq_password)" >/dev/null
  rmqctl -q set_user_tags platform administrator >/dev/null
  rmqctl -q set_permissions -p / platform '.*' '.*' '.*' >/dev/null
  rmqctl -q delete_user guest >/dev/null 2>&1 || true
}

rmq_stop() {
  local pid
  if pid="$(rmq_pid)"; then
    log "stopping RabbitMQ (pid $pid)"
    kill -TERM "$pid"  # the node shuts down gracefully on SIGTERM
    wait_gone "$pid" 60 || { log "RabbitMQ still running after 60s; killing it"; kill -KILL "$pid" 2>/dev/null || true; }
  else
    log "RabbitMQ is not running"
  fi
  rm -f "$RMQ_PID_FILE"
  epmd_stop
}

# --------------------------------------------------------------- commands ---
print_env() {
  cat <<EOF
export PLATFORM_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Database=platform;Username=platform;Password=$(pg_password)"
export PLATFORM_RABBITMQ="amqp://platform:$(rmq_password)@127.0.0.1:$RABBIT_PORT/"
export PLATFORM_JWT_SIGNING_KEY=$(jwt_key)
export PLATFORM_RABBITMQ_MANAGEMENT="http://127.0.0.1:$MGMT_PORT/"
export PLATFORM_RABBITMQ_PROMETHEUS="http://127.0.0.1:$PROM_PORT/"
export PLATFORM_PG_PORT=$PG_PORT
export PLATFORM_RABBIT_PORT=$RABBIT_PORT
export PLATFORM_RABBIT_MGMT_PORT=$MGMT_PORT
export PLATFORM_RABBIT_DIST_PORT=$DIST_PORT
export PLATFORM_EPMD_PORT=$EPMD_PORT
export PLATFORM_RABBIT_PROM_PORT=$PROM_PORT
export PLATFORM_RABBIT_NODE=$RABBIT_NODE
EOF
  printf 'export PLATFORM_INFRA_DIR=%q\n' "$INFRA_DIR"
}

# The optional component lets a test restart one of them under load (the chaos test does).
require_component() {
  [[ -z $1 || $1 == postgres || $1 == rabbitmq ]] || die "unknown component '$1' (postgres or rabbitmq)"
}

cmd_start() {
  local component="${1:-}"
  require_component "$component"
  cmd_install
  require_root start
  local t0 noop=""
  t0="$(now_ms)"
  pg_pid >/dev/null && rmq_pid >/dev/null && noop=" (both were already running; nothing started)"
  [[ $component == rabbitmq ]] || pg_start
  [[ $component == postgres ]] || rmq_start
  log "infrastructure ready in $(($(now_ms) - t0)) ms$noop"
  print_env
}

cmd_stop() {
  local component="${1:-}"
  require_component "$component"
  require_root stop
  [[ $component == postgres ]] || rmq_stop
  [[ $component == rabbitmq ]] || pg_stop
}

cmd_status() {
  local rc=0 pid=""
  # postmaster.pid is only readable by postgres/root; others rely on pg_isready.
  if { pid="$(pg_pid)" || { ((EUID != 0)) && pid="?"; }; } && pg_ready; then
    echo "postgres: running (pid $pid, 127.0.0.1:$PG_PORT)"
  else
    echo "postgres: stopped"
    rc=1
  fi
  if ! pid="$(rmq_pid)"; then
    echo "rabbitmq: stopped"
    rc=1
  elif ! mgmt_answers; then
    echo "rabbitmq: not ready (pid $pid is up, management API does not answer)"
    rc=1
  else
    echo "rabbitmq: running (pid $pid, amqp 127.0.0.1:$RABBIT_PORT, management $MGMT_URL/, metrics $PROM_URL/metrics$(prom_answers 2>/dev/null || echo ' (not answering)'))"
  fi
  return "$rc"
}

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -n 's/^# \{0,1\}//p'; }

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  status) cmd_status ;;
  env) print_env ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
