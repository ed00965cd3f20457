#!/usr/bin/env bash
# What a checkpoint after every epoch costs (issue 20, point 2), interleaved ROUNDS times on one
# table (default GeoBIKED):
#  - mcVAE `train` with the preset as shipped (a checkpoint every epoch, written on a thread of its
#    own) vs checkpoint_every 0 (only at the end), EPOCHS epochs;
#  - `sfarm train` (fixed SFARM_EPOCHS, no early stopping) as shipped vs --no-checkpoints.
# Prints each run's own training seconds (data loading excluded), the medians and the ratios.
#   bash tests/bench/checkpoint_cost.sh [DATA] [ROUNDS=5] [EPOCHS=500] [SFARM_EPOCHS=100]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="${MASKSTUDIO_CLI:-$root/build/app/maskstudio-cli}"
data="${1:-$root/../shared/data/geobiked/df_parameters_final.csv}"; rounds="${2:-5}"; epochs="${3:-500}"; sfarmEpochs="${4:-100}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
/usr/bin/python3 -c "
import json
p = json.load(open('$root/models/geobiked.json')); p['name'] = 'geobiked-no-checkpoints'
p['training']['checkpoint_every'] = 0
json.dump(p, open('$work/end-only.json', 'w'))"
field() { tail -1 | /usr/bin/python3 -c "import json,sys; print('%.2f' % json.load(sys.stdin)['$1'])"; }
mcvae() { "$cli" train --data "$data" --preset "$1" --epochs "$epochs" --out "$work/m.msm" --quiet --json | field train_seconds; }
sfarm() { "$cli" sfarm train --data "$data" --epochs "$sfarmEpochs" --no-early-stopping --out "$work/s.sfm" --json "$@" 2> /dev/null | field seconds; }
a=(); b=(); c=(); d=()
for r in $(seq 1 "$rounds"); do
  a+=("$(mcvae geobiked)"); b+=("$(mcvae "$work/end-only.json")")
  c+=("$(sfarm)"); d+=("$(sfarm --no-checkpoints)")
  echo "round $r: mcVAE ${a[-1]} / ${b[-1]} s, SFARM ${c[-1]} / ${d[-1]} s" >&2
done
/usr/bin/python3 - "${a[*]}" "${b[*]}" "${c[*]}" "${d[*]}" "$epochs" "$sfarmEpochs" << 'PY'
import statistics as st, sys
runs = [[float(x) for x in arg.split()] for arg in sys.argv[1:5]]
m = [st.median(r) for r in runs]
print(f"| run | checkpoints | s, median of {len(runs[0])} | runs |")
print("|---|---|---|---|")
rows = [(f"mcVAE train, {sys.argv[5]} epochs", "every epoch (shipped)"), ("", "only at the end"),
        (f"sfarm train, {sys.argv[6]} epochs", "every epoch (shipped)"), ("", "--no-checkpoints")]
for (what, how), r, med in zip(rows, runs, m):
    print(f"| {what} | {how} | {med:.2f} | {' '.join(map(str, r))} |")
print(f"\nevery epoch / without: mcVAE {m[0] / m[1]:.3f}, SFARM {m[2] / m[3]:.3f}")
PY
