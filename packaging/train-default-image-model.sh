#!/usr/bin/env bash
# Reproduces the default image model shipped in models/bike.msi: an mcLDM with cross-attention
# to condition and target-shape tokens (MCGM), trained by the project's own CLI on the built-in
# synthetic bicycles (models/bike.csv, the keypoint model's training data) rendered as 64 px
# sketches. Random placement (--placement-shift 2): a training sketch shown with its target shape
# is moved with it by up to 2 latent cells (8 px), one shown without stays put, so the model puts
# the bike where a shape says and, without a shape, where the data has it. Half of the training
# sketches are shown without their shape (--mask-dropout 0.5), which keeps the conditions alone in
# control when no shape is drawn (controllability 0.805 vs 0.745 with 0.3). About 35 minutes on a 2-core CPU with nothing else running (OpenMP threads spin: a
# build beside it slows it tenfold); the file is about 8 MB (float32 weights).
#   bash packaging/train-default-image-model.sh [build-dir]
# Then measures it on its held-out images (docs/RESULTS.md, "The built-in image model"):
# MSE, SSIM and controllability; mask following; sampling speed with and without cross-attention.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
cli="$build/app/maskstudio-cli"
data="$build/cache/default-bikes64"
"$cli" image render --data models/bike.csv --preset bike --size 64 --out "$data"
/usr/bin/time -f "image train: %e s wall" "$cli" image train --images "$data" --preset bike --seed 0 --device cpu --threads 0 \
  --ae-epochs 8 --epochs 120 --base 32 --mult 1,2,2 --batch 32 --lr 3e-4 --cross-attention --placement-shift 2 --mask-dropout 0.5 --out models/bike.msi
rm -f models/bike.msi.resume  # optimizer moments: only for resuming, not shipped
ls -l models/bike.msi
"$cli" image eval --model models/bike.msi --images "$data" --rows 256 --sparsities 0,0.5 --device cpu
"$cli" image eval --model models/bike.msi --images "$data" --rows 64 --mask-following --device cpu
"$cli" image eval --model models/bike.msi --images "$data" --rows 64 --mask-following --placement-shift 2 --device cpu
"$cli" image bench --model models/bike.msi --batches 1 --iterations 10 --cross-attention-cost --device cpu
