#!/usr/bin/env bash
# Compares the SI MLP step of two lrsweep jars side by side: both run `bench train --model si-mlp`
# at once, one pinned to each of two cores, the cores swapped every pair, so that the VM's drift
# between runs (±10 % on the machines of README's Performance section) hits both alike.
# Usage: bench/step_side_by_side.sh BEFORE.jar AFTER.jar [pairs] [steps]   (needs taskset, 2 cores)
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 BEFORE.jar AFTER.jar [pairs (default 5, each two runs)] [steps (default 400000)]" >&2
  exit 2
fi
before=$1 after=$2 pairs=${3:-5} steps=${4:-400000}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
for jar in "$before" "$after"; do
  [ -f "$jar" ] || { echo "no such jar: $jar" >&2; exit 2; }
done
command -v taskset >/dev/null || { echo "taskset is missing (Debian: util-linux)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
step() { # jar core file
  taskset -c "$2" "$java" -XX:+UseSerialGC --add-modules jdk.incubator.vector -jar "$1" \
    bench train --model si-mlp --steps "$steps" > "$3" 2>&1
}
figure() { grep -o '^us_per_step=[0-9.]*' "$1" | cut -d= -f2; }
for p in $(seq 1 "$pairs"); do
  for swap in 0 1; do
    step "$before" "$swap" "$out/b" & step "$after" $((1 - swap)) "$out/a"; wait
    echo "pair $p.$swap before_us_per_step=$(figure "$out/b") after_us_per_step=$(figure "$out/a")"
  done
done
