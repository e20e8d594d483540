#!/usr/bin/env bash
# The calibration sweep of the CPU Fashion-MNIST setup (README, "Calibrating the CPU image setup").
# For each training-subset size given, pre-trains seed 0 at every PLR of a wide grid (fine-tuning
# cut to one epoch, no sharpness, no baselines: only pre-training is read) and checks the criteria
# that were fixed before any claim was looked at:
#   C1  the two smallest PLRs converge within the pre-training budget (regime 1);
#   C2  the largest PLR ends at chance (regime 3);
#   C3  at least 3 PLRs of the grid lie strictly between the last converging PLR and the first
#       PLR at chance, so that the 2A/2B band is resolved;
#   C4  pre-training at the best converging PLR reaches at least 0.75 test accuracy.
# Usage: bench/calibrate_fashion_mnist.sh [train sizes...]   (default: 512 1024)
# Each size takes ~10-20 minutes on 2 cores. Needs a built jar (mvn package) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(512 1024)
grid=${GRID:-'[0.002,0.003,0.005,0.007,0.01,0.014,0.02,0.03,0.05,0.1]'}
epochs=${EPOCHS:-100}
test_size=${TEST_SIZE:-1000}
out=${OUT:-target/calibration}
mkdir -p "$out"
for n in "${sizes[@]}"; do
  home=$(mktemp -d)
  echo "== trainSize=$n testSize=$test_size pretrainEpochs=$epochs plrs=$grid" >&2
  LRSWEEP_HOME=$home ./lrsweep bench study --preset fashion-mnist-si-convnet-quick --store "$home/store" \
    --set trainSize="$n" --set testSize="$test_size" --set pretrainEpochs="$epochs" --set "plrs=$grid" \
    --set seeds=1 --set finetuneEpochs=1 --set convergenceBudget=0 --set twoStage=false \
    --set sharpnessProbes=0 --set sharpnessIterations=0 > "$out/study-$n.log" 2>&1
  cp "$(find "$home/store" -path '*report/results.json' | head -1)" "$out/results-$n.json"
  rm -rf "$home"
  python3 - "$out/results-$n.json" "$n" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
rows = r["per_plr"]
chance = r["thresholds"]["chance"] + r["thresholds"]["divergence_margin"]
conv = [x for x in rows if x["converged_seeds"] > 0]
at_chance = [x for x in rows if x["pretrain"]["test_accuracy"] <= chance]
print(f"trainSize={sys.argv[2]}")
print("plr        min_epoch_loss  pretrain_test  converged  at_chance")
for x in rows:
    print(f"{x['plr']:<10g} {x['min_epoch_loss']:<15.4g} {x['pretrain']['test_accuracy']:<14.4f} "
          f"{'yes' if x['converged_seeds'] else 'no':<10} {'yes' if x['pretrain']['test_accuracy'] <= chance else 'no'}")
last = max((x["plr"] for x in conv), default=None)
first3 = min((x["plr"] for x in at_chance), default=None)
between = [x["plr"] for x in rows if last is not None and first3 is not None and last < x["plr"] < first3]
best = max((x["pretrain"]["test_accuracy"] for x in conv), default=0)
checks = {
    "C1 two smallest PLRs converge": all(x["converged_seeds"] > 0 for x in rows[:2]),
    "C2 largest PLR at chance": rows[-1]["pretrain"]["test_accuracy"] <= chance,
    f"C3 >= 3 PLRs between last converging {last} and first at chance {first3}: {between}": len(between) >= 3,
    f"C4 best converging pre-training {best:.4f} >= 0.75": best >= 0.75,
}
for k, v in checks.items():
    print(("PASS " if v else "FAIL ") + k)
PY
done
