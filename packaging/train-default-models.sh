#!/usr/bin/env bash
# Reproduces the default models shipped in models/: the built-in bicycle and car mcVAEs, trained
# by the project's own CLI on its own seeded synthetic data (the CSV beside each model is its
# training data, which the studio uses for the "nearest training design" overlay), and the design
# SFARM beside each (<kind>.sfm: pinned keypoints and "specify next" in the studio).
#   bash packaging/train-default-models.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
CLI="${1:-build}/app/maskstudio-cli"
for kind in bike car; do
  "$CLI" synth "$kind" --n 3000 --seed 1 --out "models/$kind.csv"
  "$CLI" train --data "models/$kind.csv" --preset "$kind" --seed 0 --device cpu --quiet --out "models/$kind.msm"
  "$CLI" eval --model "models/$kind.msm" --data "models/$kind.csv"
  "$CLI" sfarm design --model "models/$kind.msm" --data "models/$kind.csv" --epochs 600 --seed 0 --out "models/$kind.sfm"
done
ls -l models/*.msm models/*.sfm models/*.csv
