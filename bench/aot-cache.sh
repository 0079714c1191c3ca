#!/usr/bin/env bash
# Builds an AOT cache for the relay (Java 25: JEP 483, 514 and 515). A training run starts the relay from
# its extracted jar, sends it alerts for a webhook channel to a local sink, and stops it; at exit the JVM
# writes the classes it loaded and linked, and the method profiles it gathered, to the cache. A relay
# started with -XX:AOTCache=<cache> from the same extracted jar skips most of its class loading (ready in
# about half the time) and has its hot path's profiles from the first alert.
#
#   bench/aot-cache.sh JAR OUT_DIR [TRAIN_SECONDS]
#
# leaves OUT_DIR/app/<jar name> (the extracted jar, which must be the one the cache is used with) and
# OUT_DIR/alert-relay.aot; run the relay as
#
#   java -XX:AOTCache=OUT_DIR/alert-relay.aot -jar OUT_DIR/app/<jar name>
#
# JAVA (default: java) must be the very runtime that will use the cache: a cache made by another JVM build
# is ignored with a warning. The Dockerfile runs this script while it builds the image.
set -euo pipefail

JAR=$(realpath "$1")
OUT=$(mkdir -p "$2" && realpath "$2")
TRAIN_SECONDS=${3:-60}
JAVA=${JAVA:-java}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SINK_PORT=${SINK_PORT:-18190}
RELAY_PORT=${RELAY_PORT:-18180}
# Bench's classes: compiled here when javac is at hand, else taken from BENCH_CLASSES (a JRE has no javac)
BENCH_CLASSES=${BENCH_CLASSES:-}

log() { printf '[aot-cache %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if ! "$JAVA" -XX:+PrintFlagsFinal -version 2>/dev/null | grep -q ' AOTCacheOutput '; then
  echo "aot-cache: $("$JAVA" -version 2>&1 | head -1) has no AOT cache; Java 25 or later is needed" >&2
  exit 1
fi

WORK=$(mktemp -d /tmp/alert-relay-aot.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

rm -rf "$OUT/app"
"$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$OUT/app" >/dev/null
APP_JAR="$OUT/app/$(basename "$JAR")"

if [[ -z $BENCH_CLASSES ]]; then
  BENCH_CLASSES="$WORK/classes"
  mkdir -p "$BENCH_CLASSES"
  javac -d "$BENCH_CLASSES" "$ROOT/bench/Bench.java"
fi
"$JAVA" -cp "$BENCH_CLASSES" Bench sink "$SINK_PORT" >"$WORK/sink.log" 2>&1 &
PIDS+=("$!")

# what an operator's relay runs: the packaged defaults (every kind's route) and one webhook channel
mkdir -p "$WORK/relay"
cat >"$WORK/relay/application.yaml" <<EOF
server:
  address: 127.0.0.1
  port: $RELAY_PORT
spring:
  datasource:
    url: jdbc:h2:file:$WORK/relay/data/alert-relay;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE
alert-relay:
  channels:
    - id: training
      kind: webhook
      config:
        url: http://127.0.0.1:$SINK_PORT/relay/training
EOF

log "training run: $("$JAVA" -version 2>&1 | head -1), ${TRAIN_SECONDS}s of alerts"
(cd "$WORK/relay" && exec "$JAVA" -XX:AOTCacheOutput="$OUT/alert-relay.aot" -jar "$APP_JAR" >"$WORK/relay/relay.log" 2>&1) &
RELAY_PID=$!
PIDS+=("$RELAY_PID")

# ready when the ingest route itself answers (an empty alert is refused with 400); bash alone, no curl
ready=
for _ in $(seq 1 600); do
  if { exec 3<>"/dev/tcp/127.0.0.1/$RELAY_PORT"; } 2>/dev/null; then
    printf 'POST /alerts HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}' >&3
    status=$(head -1 <&3 | cut -d' ' -f2)
    exec 3>&-
    if [[ $status == 400 ]]; then ready=1; break; fi
  fi
  kill -0 "$RELAY_PID" 2>/dev/null || break
  sleep 0.2
done
if [[ -z $ready ]]; then
  log "the relay did not come up"; tail -30 "$WORK/relay/relay.log" >&2; exit 1
fi

# closed loop, then a fixed rate: both the ingest and the delivery paths get hot
"$JAVA" -cp "$BENCH_CLASSES" Bench load "$RELAY_PORT" /alerts relay 1 16 $((TRAIN_SECONDS / 2)) 0 "$WORK/load-1.txt" >/dev/null
"$JAVA" -cp "$BENCH_CLASSES" Bench load "$RELAY_PORT" /alerts relay 2 16 $((TRAIN_SECONDS / 2)) 300 "$WORK/load-2.txt" >/dev/null

kill "$RELAY_PID"
wait "$RELAY_PID" 2>/dev/null || true
if [[ ! -s $OUT/alert-relay.aot ]]; then
  log "no cache was written"; tail -30 "$WORK/relay/relay.log" >&2; exit 1
fi
log "wrote $OUT/alert-relay.aot ($(du -h "$OUT/alert-relay.aot" | cut -f1)); run: $JAVA -XX:AOTCache=$OUT/alert-relay.aot -jar $APP_JAR"
