#!/usr/bin/env bash
# Work II downstream (issue 16 point 3, docs/RESULTS.md "Downstream on all three scenarios"): the
# Fashion-MNIST imputation benchmark on (a) i.i.d. gaps, (b) one 14 x 14 block, (c) the mixture,
# Work I's rule for the scenario (A) against Work II's contexts from a learnt mask prior, unguided
# (W) and with observation-aligned guidance (WC: clamped anchors; WG: gradient guidance), at the
# reduced CPU scale of the RESULTS table (2,000 training images, 600 updates of 64, 100 test
# images, K = 16, single step). Each scenario's prior is trained once and saved in WORK_DIR
# (`--prior`), so later runs of the same scenario reuse it. One thread per run, two runs at a
# time; prints each run's table. About 1.5 h on a 2-core CPU without WG. WG (MODELS=...,WG) needs
# GUIDANCE, its step size per call of 2,048 draws (the loss is normalised over a call's anchors,
# about 500,000 here, so a step of about 1 per anchor is GUIDANCE ~ 5e5; not tuned yet); its
# gradient draws cost about twice WC's. On a GPU: DEVICE=cuda and larger TRAIN / UPDATES (Work I's table: 10000 / 1000
# of 128, then PRIOR_UPDATES 6000).
#   bash tests/bench/maskprior_downstream.sh [WORK_DIR=build/maskprior-downstream] [MODELS=A,W,WC]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="$root/build/app/maskstudio-cli"
[ -x "$cli" ] || { echo "build first: $cli not found" >&2; exit 2; }
work="${1:-$root/build/maskprior-downstream}"; models="${2:-A,W,WC}"; mkdir -p "$work"
run() {  # scenario, extra arguments
  local scenario=$1; shift
  "$cli" partial bench-images --scenario "$scenario" --models "$models" --train-images "${TRAIN:-2000}" --test-images 100 \
    --updates "${UPDATES:-600}" --batch "${BATCH:-64}" --members 16 --steps 0 --prior "$work/$scenario.mpr" \
    --prior-updates "${PRIOR_UPDATES:-1500}" --prior-pool 2048 --rho 0.5,0.3 --guided-draws "${GUIDED_DRAWS:-2}" \
    ${GUIDANCE:+--guidance "$GUIDANCE"} --device "${DEVICE:-cpu}" --threads 1 "$@" > "$work/$scenario.txt" 2> "$work/$scenario.log"
  echo "== $scenario"; grep -v '^{' "$work/$scenario.txt"
}
run iid & run block; wait
run mixture
