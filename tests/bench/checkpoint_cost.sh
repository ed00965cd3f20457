#!/usr/bin/env bash
# What a checkpoint after every epoch costs (issue 20, point 2), interleaved ROUNDS times:
#  - mcVAE `train` on DATA (default GeoBIKED) with the preset as shipped (a checkpoint every epoch,
#    written on a thread of its own) vs checkpoint_every 0 (only at the end), EPOCHS epochs: the
#    run's own training seconds (data loading excluded);
#  - `sfarm train` on SFARM_DATA (default the embedded bikes, 3,000 rows x 34 columns; fixed
#    SFARM_EPOCHS, no early stopping) as shipped vs --no-checkpoints: the command's seconds, which
#    include its ~20 s of set-up (the Gaussian path's fit), so the per-epoch cost is also printed.
#   bash tests/bench/checkpoint_cost.sh [DATA] [ROUNDS=3] [EPOCHS=500] [SFARM_EPOCHS=100] [SFARM_DATA]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="${MASKSTUDIO_CLI:-$root/build/app/maskstudio-cli}"
data="${1:-$root/../shared/data/geobiked/df_parameters_final.csv}"; rounds="${2:-3}"; epochs="${3:-500}"; sfarmEpochs="${4:-100}"
sfarmData="${5:-$root/models/bike.csv}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
/usr/bin/python3 -c "
import json
p = json.load(open('$root/models/geobiked.json')); p['name'] = 'geobiked-no-checkpoints'
p['training']['checkpoint_every'] = 0
json.dump(p, open('$work/end-only.json', 'w'))"
# "SECONDS/CPU": the run's seconds from its JSON line, and the process's CPU seconds (user + system,
# every thread: the checkpoint writer's too), which this VM's drifting speed disturbs less.
field() { tail -1 | /usr/bin/python3 -c "import json,sys; print('%.2f' % json.load(sys.stdin)['$1'], end='')"; }
cpu() { /usr/bin/python3 -c "u, s = open('$work/t').read().split(); print('/%.2f' % (float(u) + float(s)))"; }
mcvae() { /usr/bin/time -f "%U %S" -o "$work/t" "$cli" train --data "$data" --preset "$1" --epochs "$epochs" --out "$work/m.msm" --quiet --json | field train_seconds; cpu; }
sfarm() { /usr/bin/time -f "%U %S" -o "$work/t" "$cli" sfarm train --data "$sfarmData" --epochs "$sfarmEpochs" --no-early-stopping --out "$work/s.sfm" --json "$@" 2> /dev/null | field seconds; cpu; }
a=(); b=(); c=(); d=()
for r in $(seq 1 "$rounds"); do
  a+=("$(mcvae geobiked)"); b+=("$(mcvae "$work/end-only.json")")
  c+=("$(sfarm)"); d+=("$(sfarm --no-checkpoints)")
  echo "round $r (s/CPU s): mcVAE ${a[-1]} vs ${b[-1]}, SFARM ${c[-1]} vs ${d[-1]}" >&2
done
/usr/bin/python3 - "${a[*]}" "${b[*]}" "${c[*]}" "${d[*]}" "$epochs" "$sfarmEpochs" << 'PY'
import statistics as st, sys
runs = [[tuple(float(v) for v in x.split("/")) for x in arg.split()] for arg in sys.argv[1:5]]
sec = [st.median(s for s, _ in r) for r in runs]
cpu = [st.median(c for _, c in r) for r in runs]
print(f"| run | checkpoints | s, median of {len(runs[0])} | CPU s, median | runs (s/CPU s) |")
print("|---|---|---|---|---|")
rows = [(f"mcVAE train, {sys.argv[5]} epochs", "every epoch (shipped)"), ("", "only at the end"),
        (f"sfarm train, {sys.argv[6]} epochs", "every epoch (shipped)"), ("", "--no-checkpoints")]
for (what, how), r, s_, c_ in zip(rows, runs, sec, cpu):
    print(f"| {what} | {how} | {s_:.2f} | {c_:.2f} | {' '.join(f'{a:.2f}/{b:.2f}' for a, b in r)} |")
e5, e6 = float(sys.argv[5]), float(sys.argv[6])
print(f"\nevery epoch / without, seconds: mcVAE {sec[0] / sec[1]:.3f}, SFARM {sec[2] / sec[3]:.3f} (whole command); "
      f"CPU per epoch: mcVAE {1000 * (cpu[0] - cpu[1]) / e5:+.2f} ms, SFARM {1000 * (cpu[2] - cpu[3]) / e6:+.1f} ms")
PY
