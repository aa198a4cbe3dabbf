#!/usr/bin/env bash
# Stop the local broker started by kafka-up.sh (only that one). Idempotent.
#   --purge   also delete var/kafka/data (topics, offsets, cluster id)
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

purge=0
for arg in "$@"; do
  case $arg in
    --purge) purge=1 ;;
    -h|--help) sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) lk_die "unknown argument: $arg (only --purge)" ;;
  esac
done

if pid="$(lk_running_pid)"; then
  lk_log "stopping broker (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do            # 30 s
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null && lk_is_ours "$pid"; then
    lk_log "broker did not stop within 30s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  lk_log "stopped"
else
  [[ -f $LK_PIDFILE ]] && lk_log "removing stale pid file (process gone or not ours)"
  lk_log "not running"
fi
rm -f "$LK_PIDFILE" "$LK_BOOTSTRAP_FILE"

if ((purge)); then
  lk_log "purging $LK_DATA"
  rm -rf "$LK_DATA"
fi
