#!/usr/bin/env bash
# The whole of Platform on one machine, without Docker: infrastructure (infra.sh), the four services as
# background processes, the demo, and the test suite.
#
# Usage: deploy/local/platform.sh <command>
#   demo    start everything (up), submit the sample article, print the incidents the gRPC API returns
#   up      start PostgreSQL and RabbitMQ, build (Release) and start the four services, wait until ready
#   down    stop the four services, then PostgreSQL and RabbitMQ
#   status  show what runs
#   test    start the infrastructure if needed, run every test, print "N passed, N failed"
#   chaos [ARTICLES] [RATE]  the chaos test with that many articles (default 10000 at 50/s): every service
#           SIGKILLed and restarted, RabbitMQ restarted and killed, PostgreSQL restarted, under load; prints its report
#
# Settings (environment variable [default]):
#   PLATFORM_SHARED_DIR  [<repo>/../shared]  shared data (gazetteer, gold articles)
#   PLATFORM_RUN_DIR     [<repo>/.local/run] service logs and PID files
#   plus the infrastructure settings listed in infra.sh.
# Service ports, all on 127.0.0.1 (see each service's appsettings.json): ingestion 5101 (HTTP API) and 5102
# (gRPC), query 5402 (gRPC); health on a management port of each: 5103, 5203, 5303, 5403.
# The APIs need an access token: platform token --scopes submit,read,admin (PLATFORM_JWT_SIGNING_KEY from infra.sh env).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
INFRA="$SCRIPT_DIR/infra.sh"
RUN_DIR="${PLATFORM_RUN_DIR:-$ROOT/.local/run}"
SHARED_DIR="${PLATFORM_SHARED_DIR:-$ROOT/../shared}"
CONFIGURATION=Release
SERVICES=(ingestion extraction geocoding query)
SAMPLE="$ROOT/deploy/samples/saraqib-manbij.ar.txt"

log() { echo "[platform] $*" >&2; }
die() { echo "[platform] error: $*" >&2; exit 1; }

project_of() { # ingestion -> Ingestion
  local name=$1
  echo "${name^}"
}

management_port_of() {
  case $1 in
    ingestion) echo 5103 ;; extraction) echo 5203 ;; geocoding) echo 5303 ;; query) echo 5403 ;;
  esac
}

require_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET SDK is not on PATH (see global.json for the version)"
}

require_shared() {
  [[ -d "$SHARED_DIR/gazetteer" ]] || die "no gazetteer in '$SHARED_DIR/gazetteer': set PLATFORM_SHARED_DIR to the shared data folder"
}

infra_env() {
  eval "$("$INFRA" env)"
  export ConnectionStrings__Postgres="$PLATFORM_POSTGRES"
  export ConnectionStrings__RabbitMq="$PLATFORM_RABBITMQ"
  export Auth__Jwt__SigningKey="$PLATFORM_JWT_SIGNING_KEY"
}

build() {
  log "building the services and the CLI ($CONFIGURATION)"
  local project
  for project in services/Ingestion/Platform.Ingestion services/Extraction/Platform.Extraction \
                 services/Geocoding/Platform.Geocoding services/Query/Platform.Query services/Cli/Platform.Cli; do
    dotnet build "$ROOT/$project" -c "$CONFIGURATION" --nologo -v quiet -clp:ErrorsOnly >&2
  done
}

pid_alive() {
  local file=$1
  [[ -f $file ]] && kill -0 "$(cat "$file")" 2>/dev/null
}

start_service() {
  local name=$1 project folder pidfile
  project=$(project_of "$name")
  folder="$ROOT/services/$project/Platform.$project/bin/$CONFIGURATION/net10.0"
  pidfile="$RUN_DIR/$name.pid"
  if pid_alive "$pidfile"; then
    log "$name already running (pid $(cat "$pidfile"))"
    return
  fi
  [[ -f "$folder/Platform.$project.dll" ]] || die "$folder/Platform.$project.dll is not built"
  (
    cd "$folder"
    export OTEL_SERVICE_NAME="$name"
    export Gazetteer__Directory="$SHARED_DIR/gazetteer"
    nohup dotnet "Platform.$project.dll" >"$RUN_DIR/$name.log" 2>&1 &
    echo $! >"$pidfile"
  )
  log "started $name (pid $(cat "$pidfile"), log $RUN_DIR/$name.log)"
}

wait_ready() {
  local name=$1 port deadline
  port=$(management_port_of "$name")
  deadline=$((SECONDS + 90))
  until curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
    if ! pid_alive "$RUN_DIR/$name.pid"; then
      tail -n 30 "$RUN_DIR/$name.log" >&2 || true
      die "$name exited; its log is above"
    fi
    ((SECONDS < deadline)) || { tail -n 30 "$RUN_DIR/$name.log" >&2; die "$name not ready after 90 s"; }
    sleep 0.3
  done
  log "$name ready (health on http://127.0.0.1:$port/health/ready)"
}

stop_service() {
  local name=$1 pidfile pid
  pidfile="$RUN_DIR/$name.pid"
  if pid_alive "$pidfile"; then
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    log "stopped $name"
  fi
  rm -f "$pidfile"
}

cmd_up() {
  require_dotnet
  require_shared
  mkdir -p "$RUN_DIR"
  "$INFRA" start >/dev/null
  infra_env
  build
  local name
  for name in "${SERVICES[@]}"; do start_service "$name"; done
  for name in "${SERVICES[@]}"; do wait_ready "$name"; done
}

cmd_down() {
  local name
  for name in "${SERVICES[@]}"; do stop_service "$name"; done
  "$INFRA" stop
}

cmd_status() {
  local name
  for name in "${SERVICES[@]}"; do
    if pid_alive "$RUN_DIR/$name.pid"; then
      echo "$name: running (pid $(cat "$RUN_DIR/$name.pid"), health http://127.0.0.1:$(management_port_of "$name")/health/ready)"
    else
      echo "$name: stopped"
    fi
  done
  "$INFRA" status || true
}

cmd_demo() {
  cmd_up
  local cli="$ROOT/services/Cli/Platform.Cli/bin/$CONFIGURATION/net10.0/platform.dll" submitted article
  # A token for the demo's calls, signed with the key the services check (infra.sh made it).
  PLATFORM_TOKEN=$(dotnet "$cli" token --scopes submit,read --hours 1)
  export PLATFORM_TOKEN
  log "submitting $SAMPLE"
  submitted=$(dotnet "$cli" submit "$SAMPLE" --published 2020-02-04 --source "Platform sample" --url "https://example.org/platform-sample")
  echo "$submitted"
  article=$(awk '{print $2}' <<<"$submitted")
  log "incidents of article $article, as the Query gRPC API returns them:"
  dotnet "$cli" incidents --article "$article" --wait 60
  log "the services keep running; stop everything with: deploy/local/platform.sh down"
}

cmd_test() {
  require_dotnet
  require_shared
  local started_infra=0 output status passed failed aborted
  # Stop afterwards only what this run started: a running demo keeps its database and broker.
  if ! "$INFRA" status 2>/dev/null | grep -q ': running'; then
    started_infra=1
  fi
  "$INFRA" start >/dev/null
  infra_env
  mkdir -p "$RUN_DIR"
  output="$RUN_DIR/test-output.log"
  set +e
  dotnet test "$ROOT/Platform.sln" -c "$CONFIGURATION" --nologo 2>&1 | tee "$output"
  status=${PIPESTATUS[0]}
  set -e
  # One summary line per test assembly: "Passed!  - Failed:     0, Passed:    24, Skipped: ..."
  passed=$({ grep -aoE '(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+' "$output" || true; } | awk -F'Passed: +' '{s += $2} END {print s + 0}')
  failed=$({ grep -aoE '(Passed|Failed)! +- Failed: +[0-9]+' "$output" || true; } | awk -F'Failed: +' '{s += $2} END {print s + 0}')
  # A test host that crashed prints no summary of its own: count each aborted run as a failure.
  aborted=$({ grep -ac 'Test Run Aborted' "$output" || true; })
  failed=$((failed + aborted))
  if ((status != 0 && failed == 0)); then
    log "dotnet test failed before or outside the tests (exit $status); see $output"
    failed=1
  fi
  if ((started_infra)); then "$INFRA" stop >/dev/null 2>&1 || true; fi
  echo "$passed passed, $failed failed"
  return "$status"
}

cmd_chaos() {
  require_dotnet
  require_shared
  local articles=${1:-10000} rate=${2:-50} status
  [[ $articles =~ ^[0-9]+$ && $rate =~ ^[0-9]+$ ]] || die "usage: platform.sh chaos [ARTICLES] [RATE]"
  "$INFRA" start >/dev/null
  infra_env
  mkdir -p "$RUN_DIR"
  set +e
  PLATFORM_CHAOS_ARTICLES=$articles PLATFORM_CHAOS_RATE=$rate \
    dotnet test "$ROOT/tests/Platform.EndToEnd.Tests" -c "$CONFIGURATION" --nologo \
      --filter "FullyQualifiedName~Platform.EndToEnd.Tests.ChaosTests" >"$RUN_DIR/chaos-output.log" 2>&1
  status=$?
  set -e
  cat "$RUN_DIR/chaos-$articles.txt" 2>/dev/null || tail -n 40 "$RUN_DIR/chaos-output.log" >&2
  ((status == 0)) && log "chaos test passed" || log "chaos test FAILED; see $RUN_DIR/chaos-output.log"
  return "$status"
}

case "${1:-}" in
  chaos) shift; cmd_chaos "$@" ;;
  demo) cmd_demo ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  test) cmd_test ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
