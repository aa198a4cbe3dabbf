# Shared by kafka-up.sh and kafka-down.sh (sourced, not executed).
# shellcheck shell=bash

LK_TOOL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LK_REPO_ROOT="$(cd "$LK_TOOL_DIR/../.." && pwd)"
LK_STATE="$LK_REPO_ROOT/var/kafka"
LK_DATA="$LK_STATE/data"
LK_PROPS="$LK_STATE/server.properties"
LK_PIDFILE="$LK_STATE/broker.pid"
LK_BOOTSTRAP_FILE="$LK_STATE/bootstrap"
LK_CLASSPATH_FILE="$LK_STATE/classpath.txt"
LK_BROKER_LOG="$LK_STATE/broker.log"
LK_SERVER_LOG="$LK_STATE/server.log"
LK_POM="$LK_TOOL_DIR/pom.xml"
LK_LOG4J="$LK_TOOL_DIR/log4j2.xml"

lk_log() { printf 'local-kafka: %s\n' "$*" >&2; }
lk_die() { lk_log "ERROR: $*"; exit 1; }

# Command line of a process, NUL separators turned into spaces; empty if gone.
lk_cmdline() {
  local pid=$1
  if [[ -r /proc/$pid/cmdline ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true
  else
    ps -o command= -p "$pid" 2>/dev/null || true
  fi
}

# True if $1 is a live broker started by kafka-up.sh for THIS checkout.
lk_is_ours() {
  local pid=$1 cmd
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  cmd="$(lk_cmdline "$pid")"
  [[ $cmd == *" kafka.Kafka "* && $cmd == *"$LK_PROPS"* ]]
}

# PID of our running broker, from the pid file; falls back to scanning /proc
# (pid file lost) and repairs the pid file. Prints nothing / returns 1 if none.
lk_running_pid() {
  local pid="" f p
  [[ -f $LK_PIDFILE ]] && pid="$(tr -dc '0-9' <"$LK_PIDFILE")"
  if [[ -n $pid ]] && lk_is_ours "$pid"; then
    echo "$pid"; return 0
  fi
  if [[ -d /proc ]]; then
    for f in /proc/[0-9]*/cmdline; do
      p="${f#/proc/}"; p="${p%/cmdline}"
      if lk_is_ours "$p"; then
        echo "$p" >"$LK_PIDFILE"
        echo "$p"; return 0
      fi
    done
  fi
  return 1
}

# Value of key $1 in server.properties (empty if absent).
lk_prop() {
  [[ -f $LK_PROPS ]] || return 0
  sed -n "s/^$1=//p" "$LK_PROPS" | tail -n 1
}
