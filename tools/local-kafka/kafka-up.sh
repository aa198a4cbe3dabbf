#!/usr/bin/env bash
# Start (or find) a single-node KRaft Kafka broker for local development.
# Prints exactly one line on stdout: KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:<port>
# Everything else goes to stderr. State lives in <repo>/var/kafka/.
#
# Env (all optional):
#   JAVA_HOME              use $JAVA_HOME/bin/java instead of java on PATH
#   MVN                    maven command (default: mvn)
#   KAFKA_UP_TIMEOUT       seconds to wait for the broker to answer (default: 60)
#   KAFKA_LOCAL_HEAP_OPTS  default: -Xms256m -Xmx512m
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TIMEOUT="${KAFKA_UP_TIMEOUT:-60}"
HEAP_OPTS="${KAFKA_LOCAL_HEAP_OPTS:--Xms256m -Xmx512m}"

if [[ -n ${JAVA_HOME:-} ]]; then
  JAVA="$JAVA_HOME/bin/java"
  [[ -x $JAVA ]] || lk_die "JAVA_HOME is set but $JAVA is not executable"
else
  JAVA="$(command -v java || true)"
  [[ -n $JAVA ]] || lk_die "no java on PATH and JAVA_HOME not set (Java 17+ needed)"
fi

mkdir -p "$LK_STATE"

# Serialise concurrent kafka-up.sh runs (e.g. make -j). fd 9 is closed for the broker.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$LK_STATE/.up.lock"
  flock -w 120 9 || lk_die "timed out waiting for another kafka-up.sh (lock $LK_STATE/.up.lock)"
fi

# ---------------------------------------------------------------- classpath
classpath_ok() {
  [[ -s $LK_CLASSPATH_FILE && ! $LK_POM -nt $LK_CLASSPATH_FILE ]] || return 1
  local jar
  IFS=':' read -r -a jars <"$LK_CLASSPATH_FILE"
  for jar in "${jars[@]}"; do [[ -f $jar ]] || return 1; done   # ~/.m2 cleaned?
}
if ! classpath_ok; then
  lk_log "resolving Kafka classpath with Maven (once) ..."
  tmp="$LK_CLASSPATH_FILE.tmp.$$"
  if ! ${MVN:-mvn} -q -B -f "$LK_POM" dependency:build-classpath -Dmdep.outputFile="$tmp" >"$tmp.log" 2>&1; then
    cat "$tmp.log" >&2; rm -f "$tmp" "$tmp.log"
    lk_die "mvn dependency:build-classpath failed for $LK_POM"
  fi
  rm -f "$tmp.log"
  [[ -s $tmp ]] || lk_die "Maven wrote an empty classpath"
  mv -f "$tmp" "$LK_CLASSPATH_FILE"
fi
CP="$(cat "$LK_CLASSPATH_FILE")"

# Run a Kafka CLI class on our classpath with our (stderr, WARN) logging.
kjava() { "$JAVA" -Xmx256m -Dlog4j2.configurationFile="$LK_LOG4J" -cp "$CP" "$@"; }

# ------------------------------------------------------------- readiness
tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

broker_answers() { # port [max-seconds]
  # ApiVersions is served only once the broker has caught up and is unfenced.
  timeout "${2:-30}" "$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile="$LK_LOG4J" -cp "$CP" \
    org.apache.kafka.tools.BrokerApiVersionsCommand --bootstrap-server "127.0.0.1:$1" >/dev/null 2>&1
}

announce() { # port
  echo "127.0.0.1:$1" >"$LK_BOOTSTRAP_FILE"
  echo "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$1"
}

# -------------------------------------------------------- already running?
if pid="$(lk_running_pid)"; then
  port="$(lk_prop listeners | sed -n 's#.*PLAINTEXT://127\.0\.0\.1:\([0-9]*\).*#\1#p')"
  [[ -n $port ]] || lk_die "broker pid $pid is running but $LK_PROPS has no PLAINTEXT listener"
  if [[ -f $LK_BOOTSTRAP_FILE ]] && tcp_open "$port"; then
    lk_log "already running (pid $pid) on 127.0.0.1:$port"
    announce "$port"; exit 0
  fi
  # Started but not announced yet (e.g. a previous kafka-up.sh was interrupted): wait for it.
  lk_log "broker pid $pid is running; waiting for it to answer on 127.0.0.1:$port ..."
  deadline=$((SECONDS + TIMEOUT))
  until broker_answers "$port"; do
    lk_is_ours "$pid" || lk_die "broker pid $pid exited; see $LK_BROKER_LOG"
    ((SECONDS < deadline)) || lk_die "broker pid $pid does not answer on 127.0.0.1:$port after ${TIMEOUT}s; try kafka-down.sh"
    sleep 1
  done
  announce "$port"; exit 0
fi
rm -f "$LK_PIDFILE" "$LK_BOOTSTRAP_FILE"

# ------------------------------------------------------------------ ports
# A port is free if nothing answers on it AND we can bind it (SO_REUSEADDR like the JVM,
# so TIME_WAIT leftovers of our own previous run don't count as busy).
HAVE_PY=0; command -v python3 >/dev/null 2>&1 && HAVE_PY=1
port_free() {
  local p=$1
  [[ $p =~ ^[0-9]+$ ]] && ((p > 0 && p < 65536)) || return 1
  tcp_open "$p" && return 1
  ((HAVE_PY)) || return 0
  python3 - "$p" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}
any_free_port() {
  if ((HAVE_PY)); then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    local p
    for p in $(seq 29092 29999); do port_free "$p" && { echo "$p"; return 0; }; done
    return 1
  fi
}
pick_port() { # exclude candidates...
  local exclude=$1 p; shift
  for p in "$@"; do
    [[ -n $p && $p != "$exclude" ]] && port_free "$p" && { echo "$p"; return 0; }
  done
  for _ in 1 2 3 4 5; do
    p="$(any_free_port)" || break
    [[ $p != "$exclude" ]] && { echo "$p"; return 0; }
  done
  lk_die "could not find a free port on 127.0.0.1"
}

prev_port="$(lk_prop listeners | sed -n 's#.*PLAINTEXT://127\.0\.0\.1:\([0-9]*\).*#\1#p')"
prev_cport="$(lk_prop listeners | sed -n 's#.*CONTROLLER://127\.0\.0\.1:\([0-9]*\).*#\1#p')"

# ------------------------------------------------------- storage + start
write_props() { # port cport
  local tmp="$LK_PROPS.tmp.$$"
  cat >"$tmp" <<EOF
# Written by tools/local-kafka/kafka-up.sh on every start -- edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$2
listeners=PLAINTEXT://127.0.0.1:$1,CONTROLLER://127.0.0.1:$2
advertised.listeners=PLAINTEXT://127.0.0.1:$1
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$LK_DATA
num.partitions=6
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
EOF
  mv -f "$tmp" "$LK_PROPS"
}

format_storage() {
  # Only when never formatted. A data dir without meta.properties is unusable
  # leftovers (e.g. an interrupted format), so start from scratch.
  [[ -f $LK_DATA/meta.properties ]] && return 0
  rm -rf "$LK_DATA"
  local id
  # Tool logging is on stderr (log4j2.xml); still, take only a well-formed id.
  id="$(kjava kafka.tools.StorageTool random-uuid | grep -E '^[A-Za-z0-9_-]{22}$' | tail -n 1 || true)"
  [[ -n $id ]] || lk_die "kafka.tools.StorageTool random-uuid produced no cluster id"
  lk_log "formatting $LK_DATA (cluster id $id)"
  # Static quorum (controller.quorum.voters): no --standalone/--initial-controllers needed.
  kjava kafka.tools.StorageTool format -t "$id" -c "$LK_PROPS" >&2 \
    || lk_die "kafka.tools.StorageTool format failed"
}

start_broker() {
  [[ -f $LK_BROKER_LOG ]] && mv -f "$LK_BROKER_LOG" "$LK_BROKER_LOG.1"
  # setsid: own session/process group, so Ctrl-C in a parent make/shell doesn't reach it.
  # The inner shell writes its own pid, then exec's java, so the pid file is the JVM's pid
  # even if setsid had to fork.
  # shellcheck disable=SC2086
  setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$LK_PIDFILE" \
    "$JAVA" $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LK_LOG4J" \
    -Dlocal.kafka.log.file="$LK_SERVER_LOG" -Dlocal.kafka.log.level=INFO \
    -cp "$CP" kafka.Kafka "$LK_PROPS" \
    </dev/null >"$LK_BROKER_LOG" 2>&1 9>&- &
  local i
  for i in $(seq 1 50); do [[ -s $LK_PIDFILE ]] && break; sleep 0.1; done
  tr -dc '0-9' <"$LK_PIDFILE" 2>/dev/null || true
}

tail_log() {
  lk_log "---- last lines of $LK_SERVER_LOG (INFO) ----"
  tail -n 15 "$LK_SERVER_LOG" >&2 2>/dev/null || true
  lk_log "---- last lines of $LK_BROKER_LOG (stdout/stderr, WARN+) ----"
  tail -n 40 "$LK_BROKER_LOG" >&2 2>/dev/null || true
  lk_log "----"
}
fail_with_log() { tail_log; lk_die "$1"; }

stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

t0=$SECONDS
attempt=0
while :; do
  attempt=$((attempt + 1))
  port="$(pick_port "" 9092 "$prev_port")"
  cport="$(pick_port "$port" "$prev_cport" 9093)"
  [[ $port == 9092 ]] || lk_log "127.0.0.1:9092 is busy; using 127.0.0.1:$port"
  write_props "$port" "$cport"
  format_storage
  lk_log "starting broker on 127.0.0.1:$port (controller 127.0.0.1:$cport), log $LK_BROKER_LOG"
  pid="$(start_broker)"
  [[ -n $pid ]] || fail_with_log "broker process did not start"

  deadline=$((SECONDS + TIMEOUT))
  ready=0
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    if tcp_open "$port" && broker_answers "$port" $((deadline - SECONDS + 2)); then ready=1; break; fi
    sleep 0.5
  done
  ((ready)) && break

  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$LK_PIDFILE"
    # Lost a port race between our check and the broker's bind: retry once with new ports.
    if ((attempt < 2)) && grep -q 'Address already in use' "$LK_BROKER_LOG" 2>/dev/null; then
      lk_log "port taken while starting; retrying with other ports"
      prev_port="" prev_cport=""
      continue
    fi
    fail_with_log "broker exited during startup"
  fi
  # Show the log before stopping: shutdown noise would otherwise hide the cause.
  tail_log
  lk_log "stopping the unresponsive broker (pid $pid)"
  stop_pid "$pid"; rm -f "$LK_PIDFILE"
  lk_die "broker did not answer on 127.0.0.1:$port within ${TIMEOUT}s (KAFKA_UP_TIMEOUT); it was stopped"
done

lk_log "broker up (pid $pid) in $((SECONDS - t0))s"
announce "$port"
