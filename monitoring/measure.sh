#!/usr/bin/env bash
# What monitoring costs, measured: the series and scrape bytes of one worker during a study (its
# /metrics read every second), and the cost of metric updates on the training step time
# (./lrsweep bench metrics). Starts its own Conductor and worker on free ports in a temporary home.
# Usage: monitoring/measure.sh [submit options]   (default: --preset synthetic-quick)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export LRSWEEP_HOME="$(mktemp -d /tmp/lrsweep-measure.XXXXXX)"
cport="$(free_port)"; mport="$(free_port)"
conductor="http://127.0.0.1:$cport"
worker_pid=""
cleanup() {
  [ -n "$worker_pid" ] && kill "$worker_pid" 2>/dev/null && wait "$worker_pid" 2>/dev/null || true
  ./lrsweep local down --port "$cport" >/dev/null 2>&1 || true
  rm -rf "$LRSWEEP_HOME"
}
trap cleanup EXIT

./lrsweep local up --port "$cport" | tail -1
./lrsweep worker --conductor "$conductor" --metrics-port "$mport" --metrics-address 127.0.0.1 \
  >"$LRSWEEP_HOME/worker.log" 2>&1 &
worker_pid=$!
until curl -sf "http://127.0.0.1:$mport/metrics" >/dev/null; do sleep 0.5; done
[ $# -gt 0 ] || set -- --preset synthetic-quick
id="$(./lrsweep submit --conductor "$conductor" "$@")"
echo "study $id: $*"

max_series=0; max_lrsweep=0; max_bytes=0; samples=0
status=RUNNING
while [ "$status" = RUNNING ]; do
  if curl -sf "http://127.0.0.1:$mport/metrics" -o "$LRSWEEP_HOME/scrape.txt"; then
    series=$(grep -vc '^#' "$LRSWEEP_HOME/scrape.txt" || true)
    lrsweep=$(grep -c '^lrsweep_' "$LRSWEEP_HOME/scrape.txt" || true)
    bytes=$(wc -c <"$LRSWEEP_HOME/scrape.txt")
    samples=$((samples + 1))
    [ "$series" -gt "$max_series" ] && max_series=$series
    [ "$lrsweep" -gt "$max_lrsweep" ] && max_lrsweep=$lrsweep
    [ "$bytes" -gt "$max_bytes" ] && max_bytes=$bytes
  fi
  status="$(curl -sf "$conductor/api/workflow/$id?includeTasks=false" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
  sleep 1
done
curl -sf "http://127.0.0.1:$mport/metrics" -o "$LRSWEEP_HOME/scrape.txt"
echo "study ended $status"
echo "series of one worker: max $max_series during the study ($max_lrsweep lrsweep_*), $(grep -vc '^#' "$LRSWEEP_HOME/scrape.txt") at its end ($(grep -c '^lrsweep_' "$LRSWEEP_HOME/scrape.txt") lrsweep_*); $samples scrapes"
echo "scrape size: max $max_bytes bytes during the study, $(wc -c <"$LRSWEEP_HOME/scrape.txt") at its end"
./lrsweep bench metrics
