#!/usr/bin/env bash
# The mask prior's calibration on the Fashion-MNIST mixture of i.i.d. gaps and 14 x 14 blocks
# (issue 16, docs/RESULTS.md "A calibrated mixture"): priors trained with the last weights, a cosine
# learning rate and the running average of the weights, each saved, then sampled with several step
# counts and time grids. Prints one line per (prior, sampler): missing share, block-like share
# (data: 0.276 and 0.475), neighbour correlation, held-out bits per pixel.
# One thread per run, two runs at a time (about 1 h on a 2-core machine).
#   bash tests/bench/maskprior_calibration.sh [WORK_DIR=build/maskprior-calibration]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="$root/build/app/maskstudio-cli"
[ -x "$cli" ] || { echo "build first: $cli not found" >&2; exit 2; }
work="${1:-$root/build/maskprior-calibration}"; mkdir -p "$work"
bench() { "$cli" partial maskprior bench --scenario mixture --train-masks 4000 --batch 32 --samples 256 --positivity-masks 1 \
            --partitions 1 --threads 1 --json "$@" 2> /dev/null | tail -n1; }
line() {  # name, sampler settings, JSON
  python3 -c 'import json,sys; d=json.loads(sys.argv[3]); p=d["prior"]
print("%-14s %-18s missing %.3f  block-like %.3f  neighbour r %.3f  held-out bits/pixel %.3f" % (sys.argv[1], sys.argv[2], p["missing_share"], p["block_like"], p["neighbour_r"], d["prior_bits"]))' "$@"
}
train() {  # name, updates, training flags...: trains and saves name.mpr (scored with 100 steps on the grid power 2)
  local name=$1 updates=$2; shift 2
  [ -f "$work/$name.mpr" ] && return 0
  bench --updates "$updates" --sampler discrete --steps 100 --time-power 2 --prior "$work/$name.mpr" "$@" > "$work/$name.json"
}
train last-1500 1500 & train last-6000 6000; wait
train cosine-6000 6000 --cosine-decay & train average-1500 1500 --weight-average 0.995; wait
train average-6000 6000 --weight-average 0.999
for name in last-1500 last-6000 cosine-6000 average-1500 average-6000; do
  for sampler in "100 2" "50 2" "20 2" "20 3" "100 1"; do
    set -- $sampler
    line "$name" "$1 steps, grid $2" "$(bench --prior "$work/$name.mpr" --sampler discrete --steps "$1" --time-power "$2")"
  done
done
