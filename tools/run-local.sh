#!/usr/bin/env bash
# make run: local broker + tracking consumer + simulated product usage, until Ctrl-C.
# Stops everything it started (and only that) on exit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STATE="$ROOT/var/run"
mkdir -p "$STATE"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
TEAMS="${TEAMS:-50}"
RATE="${RATE:-200}"

consumer_pid=""
simulator_pid=""
started_kafka=""

cleanup() {
  trap - EXIT INT TERM
  echo >&2
  if [[ -n $simulator_pid ]] && kill -0 "$simulator_pid" 2>/dev/null; then
    kill -TERM "$simulator_pid" 2>/dev/null || true
    wait "$simulator_pid" 2>/dev/null || true
  fi
  if [[ -n $consumer_pid ]] && kill -0 "$consumer_pid" 2>/dev/null; then
    echo "run: stopping the tracking consumer (pid $consumer_pid)" >&2
    kill -TERM "$consumer_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$consumer_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$consumer_pid" 2>/dev/null || true
  fi
  if [[ -n $started_kafka ]]; then
    echo "run: stopping the local Kafka broker" >&2
    "$ROOT/tools/local-kafka/kafka-down.sh" || true
  fi
}
trap cleanup EXIT
trap 'exit 0' INT TERM  # Ctrl-C is how make run is meant to end

# a broker that was already running (make kafka-up) is left running at the end
# shellcheck source=local-kafka/common.sh
source "$ROOT/tools/local-kafka/common.sh"
if ! pid="$(cat "$LK_PIDFILE" 2>/dev/null)" || ! lk_is_ours "$pid"; then
  started_kafka=yes
fi
eval "$("$ROOT/tools/local-kafka/kafka-up.sh")"
export KAFKA_BOOTSTRAP_SERVERS

# health and metrics on a free port unless SERVER_PORT is set (the port is read from the log below)
export SERVER_PORT="${SERVER_PORT:-0}"
echo "run: Kafka at $KAFKA_BOOTSTRAP_SERVERS" >&2
if [[ -n ${POSTHOG_API_KEY:-} ]]; then
  echo "run: PostHog payloads go to ${POSTHOG_HOST:-https://us.i.posthog.com}/batch/ (POSTHOG_API_KEY is set)" >&2
else
  export TRACKING_POSTHOG_DRY_RUN_FILE="${TRACKING_POSTHOG_DRY_RUN_FILE:-$ROOT/var/dry-run/posthog-batches.jsonl}"
  echo "run: no POSTHOG_API_KEY: dry-run, PostHog payloads are appended to $TRACKING_POSTHOG_DRY_RUN_FILE" >&2
fi

# run copies of the jars, so that a rebuild while this runs does not pull them from under the JVMs
cp services/tracking-consumer/target/tracking-consumer.jar "$STATE/tracking-consumer.jar"
cp services/tracking-client/target/tracking-client-*-cli.jar "$STATE/fact-cli.jar"
"$JAVA" -Xmx256m -jar "$STATE/tracking-consumer.jar" >"$STATE/consumer.log" 2>&1 &
consumer_pid=$!
echo "run: tracking consumer starting (pid $consumer_pid), log in var/run/consumer.log" >&2
ready=""
for _ in $(seq 1 120); do
  if grep -q "Started TrackingConsumerApplication" "$STATE/consumer.log" 2>/dev/null; then ready=yes; break; fi
  if ! kill -0 "$consumer_pid" 2>/dev/null; then
    echo "run: the tracking consumer exited during start-up; last lines of var/run/consumer.log:" >&2
    tail -n 30 "$STATE/consumer.log" >&2
    exit 1
  fi
  sleep 0.5
done
if [[ -z $ready ]]; then
  echo "run: the tracking consumer did not start within 60 s; last lines of var/run/consumer.log:" >&2
  tail -n 30 "$STATE/consumer.log" >&2
  exit 1
fi
port="$(sed -n 's/.*Tomcat started on port \([0-9]*\).*/\1/p' "$STATE/consumer.log" | head -n 1)"
echo "run: tracking consumer up: health http://127.0.0.1:${port:-$SERVER_PORT}/actuator/health," \
  "metrics http://127.0.0.1:${port:-$SERVER_PORT}/actuator/prometheus," \
  "reconciliation http://127.0.0.1:${port:-$SERVER_PORT}/actuator/tracking" >&2

echo "run: simulating $TEAMS teams at $RATE facts/s (TEAMS=..., RATE=... to change); Ctrl-C to stop" >&2
echo "run: every 10 s the simulator's line, then the consumer's, read from its /actuator/tracking" >&2
"$JAVA" -jar "$STATE/fact-cli.jar" simulate --teams "$TEAMS" --rate "$RATE" \
  --consumer-status "http://127.0.0.1:${port:-$SERVER_PORT}/actuator/tracking" &
simulator_pid=$!
wait "$simulator_pid"
