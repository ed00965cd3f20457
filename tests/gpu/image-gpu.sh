#!/usr/bin/env bash
# The image model on a GPU machine: generation speed (64 and 128 px, DDIM 20 steps) and, with a
# rendered GeoBIKED pack, training + evaluation of the 64 px mcLDM (numbers in docs/RESULTS.md).
#   usage: bash tests/gpu/image-gpu.sh OUT_DIR [PACK.mspack [AE_EPOCHS LDM_EPOCHS]]
# LDM_EPOCHS may be auto:SECONDS: a 3-epoch run times an epoch and the epochs that fit are used.
# The pack comes from `maskstudio-cli image render --data ../shared/data/geobiked/df_parameters_final.csv
#   --preset geobiked --size 64 --out DIR` (DIR/images.mspack). Not part of CI: CI has no GPU.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?output folder}
pack=${2:-}
ae_epochs=${3:-40}
ldm_epochs=${4:-200}
mkdir -p "$out"
source "$root/tests/gpu/build-cuda.sh"
"$cli" info
if [ "${SKIP_BENCH:-0}" != 1 ]; then
"$cli" image bench --device cuda --size 64 --batches 1,4,16,64 --iterations 10 | tee "$out/bench-cuda-64.txt"
"$cli" image bench --device cuda --size 128 --batches 1,4,16,64 --iterations 10 | tee "$out/bench-cuda-128.txt"
"$cli" image bench --device cuda --size 64 --batches 1,16 --guidance 2 --iterations 10 | tee "$out/bench-cuda-64-cfg.txt"
fi
[ -n "$pack" ] || exit 0
if [[ "$ldm_epochs" == auto:* ]]; then
  budget=${ldm_epochs#auto:}
  "$cli" image train --images "$pack" --preset geobiked --device cuda --ae-epochs 1 --epochs 3 --batch 64 --lr 3e-4 \
    --out "$out/calibrate.msi" --json 2>/dev/null | tail -1 > "$out/calibrate.json"
  ldm_epochs=$(python3 -c "import json,sys; j=json.load(open('$out/calibrate.json')); print(max(3, int($budget / (j['ldm_seconds'] / 3))))")
  rm -f "$out/calibrate.msi"
  echo "auto: $ldm_epochs mcLDM epochs fit in $budget s" | tee "$out/train.txt"
fi
"$cli" image train --images "$pack" --preset geobiked --device cuda --ae-epochs "$ae_epochs" --epochs "$ldm_epochs" \
  --batch 64 --lr 3e-4 --out "$out/geo64.msi" --json 2>&1 | grep -v "^\[W" | tee -a "$out/train.txt" | grep -v "^{"
[ "$ldm_epochs" -ge 20 ] || exit 0
"$cli" image eval --model "$out/geo64.msi" --images "$pack" --rows 256 --device cuda --json 2>&1 | grep -v "^\[W" | tee "$out/eval.txt"
"$cli" image eval --model "$out/geo64.msi" --images "$pack" --rows 256 --device cuda --guidance 2 \
  --sparsities 0,0.5,0.9 --json 2>&1 | grep -v "^\[W" | tee "$out/eval-guidance2.txt"
split -b 15M "$out/geo64.msi" "$out/geo64.msi.part-" && rm "$out/geo64.msi"
