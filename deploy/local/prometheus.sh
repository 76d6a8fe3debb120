#!/usr/bin/env bash
# A Prometheus of the project's own, on a machine without Docker: Debian's /usr/bin/prometheus (infra.sh install
# puts it there; Debian's packaged service is never started) as a background process on 127.0.0.1, with its data in
# a private folder. It scrapes the four services' management ports and RabbitMQ's prometheus plugin, and evaluates
# deploy/observability/prometheus/alerts.yml (its UI shows them: /alerts).
#
# Usage: deploy/local/prometheus.sh <command>
#   start [CONFIG]  start it (no-op if running) with CONFIG, or with a config written from the local ports
#   stop            stop it
#   status          running or stopped; exit 0 only if it runs and answers
#   config          print the config start writes when given none
#
# Settings (environment variable [default]):
#   PLATFORM_PROMETHEUS_DIR    [<repo root>/.local/prometheus]  data (--storage.tsdb.path), log, pid file, config
#   PLATFORM_PROMETHEUS_PORT   [55690]  its HTTP API and UI: http://127.0.0.1:PORT/
#   PLATFORM_SCRAPE_INTERVAL   [15s]
#   PLATFORM_RABBIT_PROM_PORT  [55676]  RabbitMQ's plugin (as infra.sh); PLATFORM_RABBIT_VHOST [/] the vhost whose
#                              queues are scraped one by one
# The services' management ports are platform.sh's: ingestion 5103, extraction 5203, geocoding 5303, query 5403.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
PROM_DIR="${PLATFORM_PROMETHEUS_DIR:-$REPO_ROOT/.local/prometheus}"
[[ $PROM_DIR == /* ]] || PROM_DIR="$PWD/$PROM_DIR"
PORT="${PLATFORM_PROMETHEUS_PORT:-55690}"
INTERVAL="${PLATFORM_SCRAPE_INTERVAL:-15s}"
RABBIT_PROM_PORT="${PLATFORM_RABBIT_PROM_PORT:-55676}"
VHOST="${PLATFORM_RABBIT_VHOST:-/}"
RULES="$REPO_ROOT/deploy/observability/prometheus/alerts.yml"
PROMETHEUS=/usr/bin/prometheus
PID_FILE="$PROM_DIR/prometheus.pid"
LOG="$PROM_DIR/prometheus.log"
URL="http://127.0.0.1:$PORT"

log() { printf '[prometheus] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for p in "$PORT" "$RABBIT_PROM_PORT"; do [[ $p =~ ^[0-9]+$ ]] || die "port '$p' is not a number"; done
[[ $INTERVAL =~ ^[0-9]+(ms|s|m)$ ]] || die "bad PLATFORM_SCRAPE_INTERVAL '$INTERVAL'"

running_pid() {
  local pid
  pid="$(head -n 1 "$PID_FILE" 2>/dev/null)" || return 1
  [[ $pid =~ ^[0-9]+$ && -d /proc/$pid && "$(cat "/proc/$pid/comm" 2>/dev/null)" == prometheus ]] && echo "$pid"
}
ready() { curl -fsS -o /dev/null "$URL/-/ready"; }

print_config() {
  cat <<YAML
# Written by deploy/local/prometheus.sh.
global:
  scrape_interval: $INTERVAL
  evaluation_interval: $INTERVAL
rule_files:
  - "$RULES"
scrape_configs:
YAML
  local job port
  for job in ingestion:5103 extraction:5203 geocoding:5303 query:5403; do
    port="${job#*:}" job="${job%%:*}"
    printf '  - job_name: %s\n    static_configs:\n      - targets: ["127.0.0.1:%s"]\n' "$job" "$port"
  done
  cat <<YAML
  - job_name: rabbitmq
    metrics_path: /metrics/detailed
    params:
      vhost: ["$VHOST"]
      family: [queue_coarse_metrics, queue_consumer_count]
    static_configs:
      - targets: ["127.0.0.1:$RABBIT_PROM_PORT"]
YAML
}

cmd_start() {
  local config="${1:-}" pid
  [[ -x $PROMETHEUS ]] || die "$PROMETHEUS is missing: run deploy/local/infra.sh install (Debian's prometheus package)"
  if pid="$(running_pid)"; then
    log "already running (pid $pid, $URL/)"
    return 0
  fi
  mkdir -p "$PROM_DIR/data"
  if [[ -z $config ]]; then
    config="$PROM_DIR/prometheus.yml"
    print_config >"$config"
  fi
  [[ -r $config ]] || die "cannot read config $config"
  /usr/bin/promtool check config "$config" >/dev/null || die "promtool rejects $config"
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    die "port $PORT is already in use; set PLATFORM_PROMETHEUS_PORT"
  fi
  log "starting on $URL/ with $config (data $PROM_DIR/data, log $LOG)"
  setsid nohup "$PROMETHEUS" --config.file="$config" --storage.tsdb.path="$PROM_DIR/data" \
    --web.listen-address="127.0.0.1:$PORT" --web.enable-lifecycle >"$LOG" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  local deadline=$((SECONDS + 30))
  until ready 2>/dev/null; do
    running_pid >/dev/null || { tail -n 20 "$LOG" >&2; die "prometheus exited; its log is above"; }
    ((SECONDS < deadline)) || { tail -n 20 "$LOG" >&2; die "prometheus not ready after 30 s"; }
    sleep 0.2
  done
  log "ready (pid $(cat "$PID_FILE"))"
}

cmd_stop() {
  local pid
  if pid="$(running_pid)"; then
    log "stopping (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 100); do [[ -d /proc/$pid ]] || break; sleep 0.2; done
    [[ -d /proc/$pid ]] && kill -KILL "$pid" 2>/dev/null || true
  else
    log "not running"
  fi
  rm -f "$PID_FILE"
}

cmd_status() {
  local pid
  if pid="$(running_pid)" && ready 2>/dev/null; then
    echo "prometheus: running (pid $pid, $URL/)"
  else
    echo "prometheus: stopped"
    return 1
  fi
}

case "${1:-}" in
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  config) print_config ;;
  *) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -n 's/^# \{0,1\}//p' >&2; exit 2 ;;
esac
