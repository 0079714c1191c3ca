#!/usr/bin/env bash
# Storm with silences: does a silence that stops 90 % of the alerts keep ingest as fast as without it?
#
#   bench/silence-storm.sh                 # DURATION s closed loop without a silence, then with one
#   DURATION=10 CONNECTIONS=16 bench/silence-storm.sh
#
# The relay (H2 file, durable) gets one webhook channel to Bench's sink. Phase "plain": closed loop,
# no silence. Then a silence on instance=~"api-([0-9]|[1-3][0-9]|4[0-4])" (Bench spreads its alerts
# over api-0 .. api-49, so 45 of 50 = 90 % are silenced), and phase "silenced": the same load. The
# report gives both ingest rates (accepted alerts/s), what reached the sink, and the deliveries by
# status. At about 1,000 accepted/s, DURATION=10 is the issue's 10,000 alerts per phase.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-30}
CONNECTIONS=${CONNECTIONS:-16}
SINK_PORT=${SINK_PORT:-18091}
RELAY_PORT=${RELAY_PORT:-18081}
JAR=${JAR:-$ROOT/target/alert-relay.jar}
WORK=$(mktemp -d /tmp/alert-relay-storm.XXXXXX)
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [[ -n ${KEEP:-} ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
log() { printf '[storm %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

[[ -f $JAR ]] || (cd "$ROOT" && flock /tmp/mvn.lock mvn -B -q -DskipTests package)
mkdir -p "$WORK/classes" "$WORK/relay"
javac -d "$WORK/classes" "$ROOT/bench/Bench.java"

java -cp "$WORK/classes" Bench sink "$SINK_PORT" >"$WORK/sink.log" 2>&1 &
PIDS+=($!)
cat >"$WORK/relay/application.yaml" <<YAML
server:
  address: 127.0.0.1
  port: $RELAY_PORT
spring:
  datasource:
    url: jdbc:h2:file:$WORK/relay/data/alert-relay;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE
alert-relay:
  channels:
    - id: sink
      kind: webhook
      config:
        url: http://127.0.0.1:$SINK_PORT/relay/sink
YAML
(cd "$WORK/relay" && exec java -jar "$JAR" >"$WORK/relay/relay.log" 2>&1) &
RELAY_PID=$!
PIDS+=($RELAY_PID)
for _ in $(seq 1 240); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -m 2 -X POST -H 'Content-Type: application/json' -d '{}' \
    "http://127.0.0.1:$RELAY_PORT/alerts" || true)
  [[ $code == 400 ]] && break
  sleep 0.5
done
[[ $code == 400 ]] || { log "the relay did not come up"; tail -50 "$WORK/relay/relay.log" >&2; exit 1; }

load() { # phase-number seconds -> Bench's JSON summary
  java -cp "$WORK/classes" Bench load "$RELAY_PORT" /alerts relay "$1" "$CONNECTIONS" "$2" 0 "$WORK/load-$1.txt"
}
relay_cpu_ms() { # user + system CPU of the relay process so far, in ms
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$RELAY_PID/stat"
}
sink_requests() { curl -s -m 5 "http://127.0.0.1:$SINK_PORT/control/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])'; }

log "warm-up ${WARMUP}s"
load 1 "$WARMUP" >/dev/null
log "plain: ${DURATION}s, $CONNECTIONS connections, no silence"
CPU0=$(relay_cpu_ms)
PLAIN=$(load 2 "$DURATION")
CPU1=$(relay_cpu_ms)
log "plain: $PLAIN"
SILENCE=$(curl -s -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$RELAY_PORT/silences" \
  -d '{"matchers":"instance=~\"api-([0-9]|[1-3][0-9]|4[0-4])\"","duration":"1h","createdBy":"bench","comment":"storm"}')
log "silence: $SILENCE"
sleep 5 # let the plain phase's deliveries drain before counting
SENT_BEFORE=$(sink_requests)
log "silenced: ${DURATION}s, $CONNECTIONS connections, 90 % silenced"
CPU2=$(relay_cpu_ms)
SILENCED=$(load 3 "$DURATION")
CPU3=$(relay_cpu_ms)
log "silenced: $SILENCED"
sleep 5
SENT_AFTER=$(sink_requests)

# the CPU of each phase is the relay's own during that phase's load (its deliveries included, as far as
# they kept up); the load generator and the sink are not counted
python3 - "$PLAIN" "$SILENCED" "$SENT_BEFORE" "$SENT_AFTER" "$((CPU1 - CPU0))" "$((CPU3 - CPU2))" <<'PY'
import json, sys
plain, silenced = json.loads(sys.argv[1]), json.loads(sys.argv[2])
sent = int(sys.argv[4]) - int(sys.argv[3])
cpu_plain, cpu_silenced = int(sys.argv[5]), int(sys.argv[6])
def rate(r):
    return r["ok"] / r["seconds"] if r.get("seconds") else float("nan")
print("| phase | accepted | accepted/s | relay CPU per accepted alert | notifications sent |")
print("|---|---|---|---|---|")
print(f"| no silence | {plain['ok']} | {rate(plain):,.0f} | {cpu_plain / max(plain['ok'], 1):.2f} ms | |")
print(f"| 90 % silenced | {silenced['ok']} | {rate(silenced):,.0f} | {cpu_silenced / max(silenced['ok'], 1):.2f} ms | {sent} ({sent / max(silenced['ok'], 1):.0%}) |")
print(f"ratio silenced/plain: {rate(silenced) / rate(plain):.2f}")
PY
