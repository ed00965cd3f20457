#!/usr/bin/env bash
# Issue 15, benchmark 1 on a GPU machine: Fashion-MNIST with fixed missing pixels / blocks, models
# A (Work I, each delta), B (no split), C (DDPM + RePaint), D (oracle), E (MIWAE, on the CPU).
# Builds the CLI against the machine's CUDA LibTorch (tests/gpu/build-cuda.sh), times 100 updates
# in four concurrent processes, picks the update count that fits TRAIN_SECONDS of training per
# process, then runs the four scenario processes side by side (a small U-Net leaves the GPU idle
# between kernel launches, so processes share it well):
#   iid (delta 0.2, A-D) | iid-deltas (A at delta 0.1 and 0.4) | block | mixture, and MIWAE (E)
#   for each scenario in three CPU processes
#   usage: bash tests/gpu/partial-images-gpu.sh OUT_DIR FASHION_MNIST_DIR [TRAIN_SECONDS [BATCH]]
# FASHION_MNIST_DIR holds train- and t10k-images-idx3-ubyte.gz (the first 10,000 / 1,000 images
# are enough). Not part of CI: CI has no GPU.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?output folder}
data=${2:?Fashion-MNIST folder}
train_seconds=${3:-200}
batch=${4:-128}
mkdir -p "$out"
source "$root/tests/gpu/build-cuda.sh"
cp "$root/build-cuda/build.log" "$out/build.log" 2>/dev/null || true
bench=("$cli" partial bench-images --data "$data" --device cuda --batch "$batch")

# Calibration (unless UPDATES is set): four concurrent A trainings of 100 updates, the slowest
# sets the pace (it includes CUDA's start-up, so it errs on the short side).
updates=${UPDATES:-}
for i in $([ -n "$updates" ] || echo 1 2 3 4); do
  "${bench[@]}" --threads 2 --models A --updates 100 --test-images 8 --members 1 > "$out/calibrate-$i.txt" 2>/dev/null &
done
wait
if [ -z "$updates" ]; then
  per_update=$(grep -h "model A trained in" "$out"/calibrate-*.txt | awk '{ if ($5 > m) m = $5 } END { print m / 100 }')
  # Four U-Net trainings (A, B, D and the DDPM of C) per scenario process.
  updates=$(python3 -c "print(max(200, min(4000, int($train_seconds / (4 * $per_update)) // 100 * 100)))")
  echo "one update takes $per_update s with four processes" | tee "$out/plan.txt"
fi
echo "$updates updates of $batch per model" | tee -a "$out/plan.txt"

common=(--updates "$updates" --members 1,4,16 --steps 0,20 --omega alphabar,1-alphabar --json)
run() {
  local name=$1; shift
  "${bench[@]}" "${common[@]}" "$@" > "$out/$name.txt" 2> "$out/$name.log" &
}
run iid --scenario iid --delta 0.2 --models A,B,C,D --threads 2
run iid-deltas --scenario iid --models A --delta 0.1,0.4 --threads 2
run block --scenario block --delta 0.2 --models A,B,C,D --threads 2
run mixture --scenario mixture --delta 0.2 --models A,B,C,D --threads 2
# MIWAE trains on the CPU: its own processes, beside the GPU ones, the same passes over the data.
for scenario in iid block mixture; do run "$scenario-E" --scenario "$scenario" --models E --threads 3; done
wait
nvidia-smi --query-gpu=name,memory.used --format=csv,noheader | tee -a "$out/plan.txt"
