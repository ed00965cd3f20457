#!/usr/bin/env bash
# What a checkpoint after every epoch costs an mcVAE run (issue 20, point 2): `train` on GeoBIKED
# with the preset as shipped (a checkpoint every epoch, written on a thread of its own) and with
# checkpoint_every 0 (only at the end), interleaved ROUNDS times; prints both training times
# (the run's own seconds, data loading excluded), their medians and the ratio.
#   bash tests/bench/checkpoint_cost.sh [DATA=../shared/data/geobiked/df_parameters_final.csv] [ROUNDS=5] [EPOCHS=500]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="${MASKSTUDIO_CLI:-$root/build/app/maskstudio-cli}"
data="${1:-$root/../shared/data/geobiked/df_parameters_final.csv}"; rounds="${2:-5}"; epochs="${3:-500}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
/usr/bin/python3 -c "
import json, sys
p = json.load(open('$root/models/geobiked.json')); p['name'] = 'geobiked-no-checkpoints'
p['training']['checkpoint_every'] = 0
json.dump(p, open('$work/end-only.json', 'w'))"
secs() { "$cli" train --data "$data" --preset "$1" --epochs "$epochs" --out "$work/m.msm" --quiet --json | tail -1 |
         /usr/bin/python3 -c 'import json,sys; print("%.2f" % json.load(sys.stdin)["train_seconds"])'; }
every=(); endonly=()
for r in $(seq 1 "$rounds"); do
  every+=("$(secs geobiked)"); endonly+=("$(secs "$work/end-only.json")")
  echo "round $r: every epoch ${every[-1]} s, only at the end ${endonly[-1]} s" >&2
done
/usr/bin/python3 - "${every[*]}" "${endonly[*]}" "$epochs" << 'PY'
import statistics, sys
e = [float(x) for x in sys.argv[1].split()]; o = [float(x) for x in sys.argv[2].split()]
print(f"| checkpoints ({sys.argv[3]} epochs) | train s, median of {len(e)} | runs |")
print("|---|---|---|")
print(f"| every epoch (shipped) | {statistics.median(e):.2f} | {' '.join(map(str, e))} |")
print(f"| only at the end | {statistics.median(o):.2f} | {' '.join(map(str, o))} |")
print(f"\nevery epoch / only at the end: {statistics.median(e) / statistics.median(o):.3f}")
PY
