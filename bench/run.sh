#!/usr/bin/env bash
# Benchmark: alert-relay against Prometheus Alertmanager 0.25 on this machine, loopback only.
#
#   bench/run.sh                       # relay (H2 file, durable) then Alertmanager, then the ratios
#   DB=postgres bench/run.sh           # the relay on a throw-away local PostgreSQL instead of H2
#   DB=postgres INSTANCES=2 SYSTEMS=relay bench/run.sh
#                                      # two relay processes sharing that database, the load split between them
#   SYSTEMS=relay RELAY_OPTS="--alert-relay.delivery.workers=16" bench/run.sh
#   RELAY_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java AOT=1 bench/run.sh
#                                      # as the Docker image runs it: Java 25 with an AOT cache made by a
#                                      # training run first (bench/aot-cache.sh, not counted)
#
# Each system gets: a warm-up (WARMUP s, not measured), a closed-loop phase (CONNECTIONS connections
# sending as fast as they are answered, DURATION s), then an open-loop phase at RATE alerts/s
# (DURATION s). After each phase the script waits for the deliveries to drain (DRAIN_MAX s at most).
# One alert per request, one webhook notification expected per alert (CHANNELS webhook channels on
# the relay, CHANNELS receivers on Alertmanager: CHANNELS notifications per alert).
# With INSTANCES=N (DB=postgres only) N relays share the database, each on its own port (RELAY_PORT,
# RELAY_PORT+1, ...) and work directory with the same channels; each gets its own load generator with
# CONNECTIONS/N connections and RATE/N alerts/s, and the relay's CPU and peak RSS are summed over the N.
# Everything started here is stopped on exit (KEEP=1 keeps the raw files). Results: a table on stdout
# and in $RESULTS/<time>.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-30}
CONNECTIONS=${CONNECTIONS:-16}
RATE=${RATE:-500}
CHANNELS=${CHANNELS:-1}
DRAIN_MAX=${DRAIN_MAX:-120}
DB=${DB:-h2}
INSTANCES=${INSTANCES:-1}
SYSTEMS=${SYSTEMS:-relay alertmanager}
SINK_PORT=${SINK_PORT:-18090}
RELAY_PORT=${RELAY_PORT:-18080}
AM_PORT=${AM_PORT:-19093}
PG_PORT=${PG_PORT:-15432}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
RELAY_JAVA_OPTS=${RELAY_JAVA_OPTS:-}
# the relay's Java runtime (the Docker image runs Java 25; the README's commands any Java 17+)
RELAY_JAVA=${RELAY_JAVA:-java}
RELAY_OPTS=${RELAY_OPTS:-}
RESULTS=${RESULTS:-$ROOT/bench/results}
JAR=${JAR:-$ROOT/target/alert-relay.jar}

WORK=$(mktemp -d /tmp/alert-relay-bench.XXXXXX)
PIDS=()
PG_STARTED=

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    # give the relay its shutdown; then insist
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [[ -n $PG_STARTED ]]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  if [[ -n ${KEEP:-} ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

wait_http() { # url what seconds
  local i
  for i in $(seq 1 $(($3 * 4))); do
    if curl -s -o /dev/null -m 2 "$1"; then return 0; fi
    sleep 0.25
  done
  log "$2 did not come up within $3 s"; return 1
}

sink_unique() { curl -s -m 5 "http://127.0.0.1:$SINK_PORT/control/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["unique"])'; }

# a restarted system is not given minutes: how long from its start until it takes alerts
ready_since() { # system start-nanoseconds
  awk -v s="$2" -v n="$(date +%s%N)" -v sys="$1" 'BEGIN { printf "%s %.2f\n", sys, (n - s) / 1e9 }' >>"$WORK/ready.txt"
}

# CPU ticks per thread name (the kernel's 15-character comm; Java names its threads there), to tell the
# JIT compiler, GC, the commit writers, Tomcat and the Camel workers apart
thread_ticks() { # pid
  local t
  for t in /proc/"$1"/task/*; do
    printf '%s\t%s\n' "$(cat "$t/comm" 2>/dev/null)" "$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null)"
  done
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
vm_hwm_mb() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# A system of several processes (INSTANCES relays) counts as one: CPU and peak RSS are their sums (the
# sum of each process's own peak, an upper bound of the peak of the sum), threads over all of them.
sum_cpu_ticks() { local pid t=0; for pid in "$@"; do t=$((t + $(cpu_ticks "$pid"))); done; echo "$t"; }
sum_vm_hwm_mb() { local pid m=0; for pid in "$@"; do m=$((m + $(vm_hwm_mb "$pid"))); done; echo "$m"; }
all_thread_ticks() { local pid; for pid in "$@"; do thread_ticks "$pid"; done; }

# One load generator per process of the system, in parallel, each with its share of the connections
# and of the rate (so a closed loop stays closed, and the open loop's total is still RATE); prints the
# number of accepted alerts and leaves the joined "token send ack status" lines in the load file.
load_all() { # system "ports" path format phase-number seconds rate load-file
  local system=$1 path=$3 format=$4 num=$5 seconds=$6 rate=$7 load_out=$8
  local -a ports=($2) gens=()
  local n=${#ports[@]} k conns summary
  if [[ $n == 1 ]]; then
    summary=$(java -cp "$WORK/classes" Bench load "${ports[0]}" "$path" "$format" "$num" "$CONNECTIONS" "$seconds" "$rate" "$load_out")
    log "$system: load done: $summary"
    python3 -c 'import json,sys; print(json.loads(sys.argv[1])["ok"])' "$summary"
    return
  fi
  for k in $(seq 1 "$n"); do
    # the remainder of CONNECTIONS/N goes one each to the first instances
    conns=$((CONNECTIONS / n + (k <= CONNECTIONS % n ? 1 : 0)))
    # Bench's tokens are bench-<phase>-<seq> with seq counted per generator: a phase number of its
    # own per instance (phase*100 + k, above every plain phase number) keeps the tokens unique
    java -cp "$WORK/classes" Bench load "${ports[k - 1]}" "$path" "$format" $((num * 100 + k)) "$conns" "$seconds" \
      "$(awk -v r="$rate" -v n="$n" 'BEGIN { printf "%g", r / n }')" "$load_out.$k" >"$load_out.$k.json" &
    gens+=($!)
  done
  for k in "${gens[@]}"; do wait "$k"; done
  for k in $(seq 1 "$n"); do
    log "$system-$k: load done: $(cat "$load_out.$k.json")"
    cat "$load_out.$k"
  done >"$load_out"
  python3 -c 'import json,sys; print(sum(json.load(open(f))["ok"] for f in sys.argv[1:]))' "$load_out".*.json
}

# Runs one phase against a system (one or more processes); prints its JSON line (see analyze.py) on stdout.
PHASE_NO=0
phase() { # system "pids" "ports" path format name rate seconds phase-number
  local system=$1 ports=$3 path=$4 format=$5 name=$6 rate=$7 seconds=$8 num=$9
  local -a pids=($2)
  local load_out sink_out load0 cpu0 cpu1 accepted got last stable waited procs=
  load_out="$WORK/load-$num.txt"; sink_out="$WORK/sink-$num.txt"
  [[ ${#pids[@]} -gt 1 ]] && procs=" over ${#pids[@]} processes"
  load0=$(cut -d' ' -f1-3 /proc/loadavg)
  cpu0=$(sum_cpu_ticks "${pids[@]}")
  all_thread_ticks "${pids[@]}" >"$WORK/threads-$num-before.txt"
  log "$system: $name ($( [[ $rate == 0 ]] && echo "$CONNECTIONS connections, closed loop" || echo "$rate alerts/s, open loop")$procs, ${seconds}s; loadavg $load0)"
  accepted=$(load_all "$system" "$ports" "$path" "$format" "$num" "$seconds" "$rate" "$load_out")
  # drain: until every accepted alert has arrived, or nothing arrives for 15 s, or DRAIN_MAX s
  last=-1; stable=0; waited=0
  while :; do
    got=$(sink_unique)
    [[ $got -ge $accepted ]] && break
    if [[ $got == "$last" ]]; then stable=$((stable + 1)); else stable=0; fi
    if [[ $stable -ge 15 || $waited -ge $DRAIN_MAX ]]; then
      log "$system: stopped waiting with $got of $accepted delivered"; break
    fi
    last=$got; sleep 1; waited=$((waited + 1))
  done
  cpu1=$(sum_cpu_ticks "${pids[@]}")
  all_thread_ticks "${pids[@]}" >"$WORK/threads-$num-after.txt"
  python3 "$ROOT/bench/threads.py" "$WORK/threads-$num-before.txt" "$WORK/threads-$num-after.txt" \
    "$system $name$procs" >>"$WORK/threads.md"
  curl -s -m 30 "http://127.0.0.1:$SINK_PORT/control/dump?file=$sink_out" >/dev/null
  python3 "$ROOT/bench/analyze.py" "$load_out" "$sink_out" "$name" | python3 -c '
import json, sys
r = json.load(sys.stdin)
r.update(system=sys.argv[1], rate=float(sys.argv[2]), peak_rss_mb=int(sys.argv[3]),
         cpu_s=(int(sys.argv[5]) - int(sys.argv[4])) / 100.0, loadavg_before=sys.argv[6])
print(json.dumps(r))' "$system" "$rate" "$(sum_vm_hwm_mb "${pids[@]}")" "$cpu0" "$cpu1" "$load0"
}

run_phases() { # system "pids" "ports" path format
  local r
  # tokens are bench-<phase number>-<seq>: unique across phases and systems (and instances: load_all)
  PHASE_NO=$((PHASE_NO + 3))
  phase "$@" warmup 0 "$WARMUP" $((PHASE_NO - 2)) >/dev/null
  r=$(phase "$@" max 0 "$DURATION" $((PHASE_NO - 1))); echo "$r" >>"$WORK/results.jsonl"; log "$r"
  r=$(phase "$@" "rate-$RATE" "$RATE" "$DURATION" "$PHASE_NO"); echo "$r" >>"$WORK/results.jsonl"; log "$r"
}

# ------------------------------------------------------------------ tools and build
for tool in java javac curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done
if [[ " $SYSTEMS " == *" alertmanager "* ]] && ! command -v prometheus-alertmanager >/dev/null; then
  echo "bench: prometheus-alertmanager is missing: apt-get update && apt-get install -y prometheus-alertmanager" >&2
  exit 1
fi
# each instance needs a connection of its own, and load_all numbers their phases phase*100 + k
if ! [[ $INSTANCES =~ ^[1-9][0-9]?$ ]] || [[ $INSTANCES -gt $CONNECTIONS ]]; then
  echo "bench: INSTANCES must be 1 to 99 and at most CONNECTIONS ($CONNECTIONS), got $INSTANCES" >&2; exit 1
fi
if [[ $INSTANCES -gt 1 && $DB != postgres ]]; then
  echo "bench: INSTANCES=$INSTANCES needs DB=postgres: an H2 file cannot be shared by several relay processes" >&2; exit 1
fi
if [[ ! -f $JAR ]]; then
  log "building $JAR"
  (cd "$ROOT" && flock /tmp/mvn.lock mvn -B -q -DskipTests package)
fi
mkdir -p "$WORK/classes" "$RESULTS"; : >"$WORK/ready.txt"; : >"$WORK/threads.md"
if [[ -n ${AOT:-} && " $SYSTEMS " == *" relay "* ]]; then
  log "relay: training run for its AOT cache"
  JAVA=$RELAY_JAVA "$ROOT/bench/aot-cache.sh" "$JAR" "$WORK/aot" "${AOT_TRAIN_SECONDS:-60}"
  JAR="$WORK/aot/app/$(basename "$JAR")"
  RELAY_JAVA_OPTS="-XX:AOTCache=$WORK/aot/alert-relay.aot $RELAY_JAVA_OPTS"
fi
javac -d "$WORK/classes" "$ROOT/bench/Bench.java"

# ------------------------------------------------------------------ sink, and the sink alone
java -cp "$WORK/classes" Bench sink "$SINK_PORT" >"$WORK/sink.log" 2>&1 &
SINK_PID=$!; PIDS+=("$SINK_PID")
wait_http "http://127.0.0.1:$SINK_PORT/control/stats" sink 20
log "sink alone (5 s, relay-shaped bodies, $CONNECTIONS connections), to show it is not the bottleneck"
SINK_ALONE=$(java -cp "$WORK/classes" Bench load "$SINK_PORT" /selftest relay 0 "$CONNECTIONS" 5 0 "$WORK/selftest.txt")
log "sink alone: $SINK_ALONE"
curl -s "http://127.0.0.1:$SINK_PORT/control/dump?file=$WORK/selftest-sink.txt" >/dev/null

# ------------------------------------------------------------------ relay
start_postgres() {
  mkdir -p "$WORK/pg"; chown postgres "$WORK" "$WORK/pg"; chmod 755 "$WORK"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$WORK/pg" -A trust -U postgres >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/log.txt" -w \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$WORK/pg" start >/dev/null
  PG_STARTED=1
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc 'CREATE DATABASE relay' >/dev/null
}

# Starts one relay process in its own work directory on its own port and waits until it takes alerts.
start_relay() { # name port dir
  local name=$1 port=$2 dir=$3 started pid i code
  mkdir -p "$dir"
  {
    echo "server:"
    echo "  address: 127.0.0.1"
    echo "  port: $port"
    echo "spring:"
    echo "$DS"
    echo "alert-relay:"
    echo "  channels:"
    for i in $(seq 1 "$CHANNELS"); do
      echo "    - id: sink-$i"
      echo "      kind: webhook"
      echo "      config:"
      echo "        url: http://127.0.0.1:$SINK_PORT/relay/sink-$i"
    done
  } >"$dir/application.yaml"
  log "$name: starting ($DB) with $dir/application.yaml ${RELAY_OPTS:+and $RELAY_OPTS}"
  started=$(date +%s%N)
  # shellcheck disable=SC2086
  (cd "$dir" && exec "$RELAY_JAVA" $RELAY_JAVA_OPTS -jar "$JAR" $RELAY_OPTS >"$dir/relay.log" 2>&1) &
  pid=$!; PIDS+=("$pid"); RELAY_PIDS+=("$pid"); RELAY_PORTS+=("$port")
  # up when the ingest route itself answers: an empty alert is refused with 400 and stores nothing
  for i in $(seq 1 1200); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -m 2 -X POST -H 'Content-Type: application/json' -d '{}' \
      "http://127.0.0.1:$port/alerts" || true)
    [[ $code == 400 ]] && break
    kill -0 "$pid" 2>/dev/null || { tail -30 "$dir/relay.log" >&2; exit 1; }
    [[ $i == 1200 ]] && { log "$name did not come up"; tail -30 "$dir/relay.log" >&2; exit 1; }
    sleep 0.1
  done
  ready_since "$name" "$started"
  log "$name: ready after $(tail -1 "$WORK/ready.txt" | cut -d' ' -f2) s"
}

if [[ " $SYSTEMS " == *" relay "* ]]; then
  if [[ $DB == postgres ]]; then
    start_postgres
    DS="  datasource:
    url: jdbc:postgresql://127.0.0.1:$PG_PORT/relay
    username: postgres
    password: \"\""
  else
    DS="  datasource:
    url: jdbc:h2:file:$WORK/relay/data/alert-relay;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE"
  fi
  RELAY_PIDS=(); RELAY_PORTS=()
  if [[ $INSTANCES == 1 ]]; then
    start_relay relay "$RELAY_PORT" "$WORK/relay"
  else
    # one after the other, so that each one's ready time is its own start, not two JVMs sharing 2 cores
    # (simultaneous starts are safe too: Flyway locks the schema history)
    for k in $(seq 1 "$INSTANCES"); do
      start_relay "relay-$k" $((RELAY_PORT + k - 1)) "$WORK/relay-$k"
    done
  fi
  run_phases relay "${RELAY_PIDS[*]}" "${RELAY_PORTS[*]}" /alerts relay
  for dir in "$WORK"/relay*/; do
    grep -E ' (WARN|ERROR) ' "$dir/relay.log" | tail -5 >&2 || true
  done
  kill "${RELAY_PIDS[@]}"; for pid in "${RELAY_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
fi

# ------------------------------------------------------------------ Alertmanager
if [[ " $SYSTEMS " == *" alertmanager "* ]]; then
  mkdir -p "$WORK/am"
  {
    echo "route:"
    echo "  receiver: sink-1"
    echo "  group_by: ['...']"
    echo "  group_wait: 0s"
    echo "  group_interval: 1m"
    echo "  repeat_interval: 24h"
    if [[ $CHANNELS -gt 1 ]]; then
      echo "  routes:"
      for i in $(seq 1 "$CHANNELS"); do
        echo "    - receiver: sink-$i"
        echo "      continue: true"
      done
    fi
    echo "receivers:"
    for i in $(seq 1 "$CHANNELS"); do
      echo "  - name: sink-$i"
      echo "    webhook_configs:"
      echo "      - url: http://127.0.0.1:$SINK_PORT/am/sink-$i"
      echo "        send_resolved: false"
    done
  } >"$WORK/am/alertmanager.yml"
  log "alertmanager: starting $(prometheus-alertmanager --version 2>&1 | head -1)"
  STARTED_NS=$(date +%s%N)
  prometheus-alertmanager --config.file="$WORK/am/alertmanager.yml" --storage.path="$WORK/am/data" \
    --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= --log.level=warn >"$WORK/am/am.log" 2>&1 &
  AM_PID=$!; PIDS+=("$AM_PID")
  wait_http "http://127.0.0.1:$AM_PORT/-/ready" alertmanager 30
  ready_since alertmanager "$STARTED_NS"
  run_phases alertmanager "$AM_PID" "$AM_PORT" /api/v2/alerts am
  kill "$AM_PID"; wait "$AM_PID" 2>/dev/null || true
fi

# ------------------------------------------------------------------ report
STAMP=$(date +%Y%m%d-%H%M%S)
python3 "$ROOT/bench/report.py" "$WORK/results.jsonl" "$SINK_ALONE" \
  "DURATION=$DURATION s, WARMUP=$WARMUP s, CONNECTIONS=$CONNECTIONS, RATE=$RATE/s, CHANNELS=$CHANNELS, DB=$DB, AOT=${AOT:-}, RELAY_OPTS='$RELAY_OPTS', RELAY_JAVA_OPTS='$RELAY_JAVA_OPTS', relay on $("$RELAY_JAVA" -version 2>&1 | head -1)$(
  [[ $INSTANCES -gt 1 ]] && echo ", INSTANCES=$INSTANCES relays on one database (the relay's CPU s and peak RSS MiB are sums over its $INSTANCES processes; peak RSS: the sum of each one's peak)")" "$WORK/ready.txt" \
  | tee "$RESULTS/$STAMP.md"
cat "$WORK/threads.md" | tee -a "$RESULTS/$STAMP.md"
log "written to $RESULTS/$STAMP.md"
