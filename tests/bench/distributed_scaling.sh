#!/usr/bin/env bash
# Data-parallel scaling (issue 19): the same training on 1 rank and on 2 local ranks
# (`maskstudio-cli launch --nproc 2`), one thread each, the same global batch and epochs, timed in
# the same run. Prints a Markdown table: seconds of the data-parallel stage, the throughput ratio,
# and the wall time rank 0 spent in the exchanges (gradients all-reduced as one flat buffer).
# The machine's own ceiling is measured beside it: two independent 1-rank runs at once vs one
# alone (no exchange at all): what two processes can get from this machine's cores (a virtual
# machine's two vCPUs may share one physical core's time).
#   bash tests/bench/distributed_scaling.sh [MCLDM_EPOCHS=2] [SFARM_EPOCHS=5] [UNET_BASE=64] [IMAGE_SIZE=64] [MCVAE_EPOCHS=200]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="$root/build/app/maskstudio-cli"
[ -x "$cli" ] || { echo "build first: $cli not found" >&2; exit 2; }
ldmEpochs="${1:-2}"; sfarmEpochs="${2:-5}"; base="${3:-64}"; size="${4:-64}"; vaeEpochs="${5:-200}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
"$cli" image render --data "$root/models/bike.csv" --preset bike --size "$size" --limit 512 --out "$work/bikes" > /dev/null
image=(image train --images "$work/bikes" --preset bike --ae-epochs 1 --epochs "$ldmEpochs" --base "$base" --mult 1,2,2 --batch 64
       --threads 1 --checkpoint-seconds 0 --json)
sfarm=(sfarm train --data "$root/models/bike.csv" --epochs "$sfarmEpochs" --hidden 256 --batch 64 --no-early-stopping
       --no-checkpoints --json)
mcvae=(train --data "$root/models/bike.csv" --preset bike --epochs "$vaeEpochs" --batch 128 --threads 1 --device cpu --quiet --json)
last_json() { grep '^{' | tail -1; }
"$cli" "${image[@]}" --out "$work/one.msi" 2> /dev/null | last_json > "$work/image1.json"
"$cli" launch --nproc 2 -- "${image[@]}" --out "$work/two.msi" 2> /dev/null | last_json > "$work/image2.json"
"$cli" "${image[@]}" --out "$work/pairA.msi" 2> /dev/null | last_json > "$work/pairA.json" &
"$cli" "${image[@]}" --out "$work/pairB.msi" 2> /dev/null | last_json > "$work/pairB.json"
wait
"$cli" "${sfarm[@]}" --out "$work/one.sfm" 2> /dev/null | last_json > "$work/sfarm1.json"
"$cli" launch --nproc 2 -- "${sfarm[@]}" --out "$work/two.sfm" 2> /dev/null | last_json > "$work/sfarm2.json"
"$cli" "${mcvae[@]}" --out "$work/one.msm" 2> /dev/null | last_json > "$work/mcvae1.json"
"$cli" launch --nproc 2 -- "${mcvae[@]}" --out "$work/two.msm" 2> /dev/null | last_json > "$work/mcvae2.json"
python3 - "$work" "$ldmEpochs" "$sfarmEpochs" "$base" "$size" "$vaeEpochs" <<'PY'
import json, sys
work, ldm, sf, base, size, vae = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
load = lambda name: json.load(open(f"{work}/{name}.json"))
i1, i2, s1, s2 = load("image1"), load("image2"), load("sfarm1"), load("sfarm2")
v1, v2 = load("mcvae1"), load("mcvae2")
pa, pb = load("pairA"), load("pairB")
print("| model (global batch 64, one thread per rank) | 1 rank, s | 2 ranks, s | speed-up | rank 0 in exchanges |")
print("|---|---|---|---|---|")
calls = max(i2.get("collective_calls", 0), 1)
print(f"| mcLDM, {i1['train_rows']} images {size} px, U-Net base {base} (1,2,2), {ldm} epochs (mcLDM stage) | {i1['ldm_seconds']:.1f} | {i2['ldm_seconds']:.1f} | "
      f"{i1['ldm_seconds'] / i2['ldm_seconds']:.2f}x | {i2['collective_seconds']:.1f} s in {i2['collective_calls']} exchanges "
      f"({1000 * i2['collective_seconds'] / calls:.2f} ms each, both stages) |")
ceiling = 2 * i1['ldm_seconds'] / max(pa['ldm_seconds'], pb['ldm_seconds'])
print(f"| machine ceiling: two independent 1-rank mcLDM runs at once | {i1['ldm_seconds']:.1f} alone | "
      f"{pa['ldm_seconds']:.1f} and {pb['ldm_seconds']:.1f} together | {ceiling:.2f}x | none |")
print(f"| mcLDM, 2 ranks as a share of the ceiling | | | {i1['ldm_seconds'] / i2['ldm_seconds'] / ceiling:.0%} | |")
print(f"| SFARM MLP 256 hidden, embedded bikes, {sf} epochs (training part) | {s1['training_seconds']:.1f} | {s2['training_seconds']:.1f} | "
      f"{s1['training_seconds'] / s2['training_seconds']:.2f}x | |")
print(f"| ... the whole command (every rank repeats the set-up) | {s1['seconds']:.1f} | {s2['seconds']:.1f} | "
      f"{s1['seconds'] / s2['seconds']:.2f}x | |")
print(f"| mcVAE (`train`), embedded bikes ({v1['train_rows']} rows), batch 128, {vae} epochs (training loop) | {v1['train_seconds']:.2f} | "
      f"{v2['train_seconds']:.2f} | {v1['train_seconds'] / v2['train_seconds']:.2f}x | |")
PY
