#!/usr/bin/env bash
# Tuned vs default settings (issue 13, point 4): for each split seed, `tune` searches on the
# training part of that split within the budget, then `train` with the tuned preset and with the
# default preset on the same split, and `eval` reports the held-out mean MSE (z = 0) of both.
#   bash tests/bench/tune_vs_default.sh DATA.csv [BUDGET=10m] [SEEDS="0 1 2"] [BASE=default]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="${MASKSTUDIO_CLI:-$root/build/app/maskstudio-cli}"
data="$1"; budget="${2:-10m}"; seeds="${3:-0 1 2}"; base="${4:-default}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mse() { "$cli" eval --model "$1" --data "$data" --json | tail -1 | /usr/bin/python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["mean_mse_z0"])'; }
echo "| split seed | default ($base) | tuned | tuned / default | search s | trials | tuned settings |"
echo "|---|---|---|---|---|---|---|"
for s in $seeds; do
  "$cli" tune --data "$data" --preset "$base" --split-seed "$s" --budget "$budget" --out "$work/tuned$s.json" --quiet --json > "$work/tune$s.log"
  info=$(tail -1 "$work/tune$s.log" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.0f %d" % (d["seconds"], d["trials"]))')
  won=$(tail -1 "$work/tune$s.log" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["finalists"][0]["settings"])')
  "$cli" train --data "$data" --preset "$base" --seed "$s" --out "$work/default$s.msm" --quiet > /dev/null
  "$cli" train --data "$data" --preset "$work/tuned$s.json" --seed "$s" --out "$work/tuned$s.msm" --quiet > /dev/null
  d=$(mse "$work/default$s.msm"); t=$(mse "$work/tuned$s.msm")
  echo "| $s | $d | $t | $(/usr/bin/python3 -c "print('%.3f' % ($t / $d))") | ${info% *} | ${info#* } | $won |"
done
