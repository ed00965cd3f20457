#!/usr/bin/env bash
# The main job on the embedded default: installs and builds, synthesises the bicycle data set,
# trains the default bicycle model and generates designs. Writes build/demo/bike.{csv,svg,dxf,png}.
# (The Qt studio arrives with the studio issue; until then this headless run is the main job.)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null; then bash "$root/packaging/install-deps.sh"; fi
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$root/build" -j "$(nproc)" --target maskstudio-cli
cli="$root/build/app/maskstudio-cli"
out="$root/build/demo"
mkdir -p "$out"
"$cli" synth bike --n 4000 --seed 0 --out "$out/bikes.csv"
"$cli" train --data "$out/bikes.csv" --preset bike --out "$out/bike.msm"
"$cli" sample --model "$out/bike.msm" BikeStyle=ROAD frame_size=M --n 4 --seed 1 --out "$out/bike"
echo "open $out/bike.png (or bike.svg / bike.dxf in a CAD tool)"
