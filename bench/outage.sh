#!/usr/bin/env bash
# Outage and recovery: the webhook target is down while alerts come in at a fixed rate, then comes back.
# Reports whether ingest kept up during the outage (accepted/s against the offered rate) and how fast
# the backlog drained once the target answered again.
#
#   bench/outage.sh                    # 20 s at 1,000 alerts/s (20,000 alerts), H2 file database
#   RATE=500 SECONDS_DOWN=40 bench/outage.sh
#
# The relay retries without giving up (max-attempts 1000) and its circuit breaker reopens every 2 s,
# so every alert must arrive. Everything started here is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RATE=${RATE:-1000}
SECONDS_DOWN=${SECONDS_DOWN:-20}
DRAIN_MAX=${DRAIN_MAX:-300}
RELAY_PORT=${RELAY_PORT:-18180}
SINK_PORT=${SINK_PORT:-18195}
JAR=${JAR:-$ROOT/target/alert-relay.jar}
N=$((RATE * SECONDS_DOWN))

WORK=$(mktemp -d /tmp/alert-relay-outage.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -n ${KEEP:-} ]] || rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf '[outage %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now() { date +%s.%N; }

[[ -f $JAR ]] || (cd "$ROOT" && flock /tmp/mvn.lock mvn -B -q -DskipTests package)
mkdir -p "$WORK/classes"
javac -d "$WORK/classes" "$ROOT/bench/Bench.java"
cat >"$WORK/application.yaml" <<YAML
server: {address: 127.0.0.1, port: $RELAY_PORT}
spring: {datasource: {url: "jdbc:h2:file:$WORK/data/relay;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE"}}
alert-relay:
  delivery:
    retry: {max-attempts: 1000, initial-delay-ms: 500, max-delay-ms: 2000}
    circuit-breaker: {open-seconds: 2}
  channels:
    - id: sink-1
      kind: webhook
      config: {url: "http://127.0.0.1:$SINK_PORT/relay/sink-1"}
YAML
(cd "$WORK" && exec java -jar "$JAR" >relay.log 2>&1) &
PIDS+=($!)
for i in $(seq 1 240); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{}' \
    "http://127.0.0.1:$RELAY_PORT/alerts" || true)
  [[ $code == 400 ]] && break
  [[ $i == 240 ]] && { log "relay did not come up"; tail -20 "$WORK/relay.log" >&2; exit 1; }
  sleep 0.5
done

log "target down; $N alerts at $RATE/s"
t0=$(now)
summary=$(java -cp "$WORK/classes" Bench load "$RELAY_PORT" /alerts relay 1 16 "$SECONDS_DOWN" "$RATE" "$WORK/load.txt")
t1=$(now)
log "ingest: $summary"
accepted=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["ok"])' "$summary")

java -cp "$WORK/classes" Bench sink "$SINK_PORT" >"$WORK/sink.log" 2>&1 &
PIDS+=($!)
t2=$(now)
log "target up; waiting for $accepted alerts"
got=0
while :; do
  got=$(curl -s -m 5 "http://127.0.0.1:$SINK_PORT/control/stats" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["unique"])' 2>/dev/null || echo 0)
  [[ $got -ge $accepted ]] && break
  if python3 -c "import sys; sys.exit(0 if $(now) - $t2 > $DRAIN_MAX else 1)"; then
    log "stopped waiting with $got of $accepted delivered"; break
  fi
  sleep 0.5
done
t3=$(now)
python3 - "$t0" "$t1" "$t2" "$t3" "$accepted" "$got" "$RATE" <<'PY'
import sys
t0, t1, t2, t3 = map(float, sys.argv[1:5]); accepted, got, rate = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
print(f"outage: {accepted} accepted in {t1 - t0:.1f} s = {accepted / (t1 - t0):.0f}/s (offered {rate}/s)")
print(f"recovery: {got} of {accepted} delivered {t3 - t2:.1f} s after the target came back = {got / (t3 - t2):.0f}/s")
PY
