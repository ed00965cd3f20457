#!/usr/bin/env bash
# CUDA check on a GPU machine that has a Python torch with CUDA, CMake and Ninja but no Qt/OpenCV:
# builds the engine + CLI against that LibTorch and runs the CUDA path end to end.
#   usage: bash tests/gpu/cuda-check.sh [out-dir]
# Header-only build deps (nlohmann_json, CLI11) may be supplied under .devdeps/{include,share/cmake}
# (the machine has no package registry). Not part of CI: CI machines have no GPU.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/build-cuda/out}
mkdir -p "$out"
source "$root/tests/gpu/build-cuda.sh"
"$cli" info | tee "$out/info.txt"
"$cli" bench --device cuda | tee "$out/bench-cuda.txt"
"$cli" synth bike --n 4355 --seed 1 --out "$out/bikes.csv" > /dev/null
"$cli" train --data "$out/bikes.csv" --preset bike --epochs 200 --device cuda --quiet --out "$out/bike-cuda.msm" | tee "$out/train-cuda.txt"
"$cli" sample --model "$out/bike-cuda.msm" --n 4 --out "$out/bike-cuda-sample" | tee "$out/sample-cuda.txt"
for extra in "${@:2}"; do "$cli" $extra | tee -a "$out/extra.txt"; done
