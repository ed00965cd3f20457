#!/usr/bin/env bash
# The main job on the embedded default: installs the dependencies, builds, and opens the studio
# on the built-in bicycle model (models/bike.msm, reproduced by packaging/train-default-models.sh).
# Without a display it runs headless instead: the studio draws the default design to
# build/demo/maskstudio.png, and the CLI trains the bicycle model from freshly synthesised data
# and writes generated road bikes as build/demo/bike.{csv,svg,dxf,png}.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null; then bash "$root/packaging/install-deps.sh"; fi
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$root/build" -j "$(nproc)" --target maskstudio maskstudio-cli
export MASKSTUDIO_MODELS_DIR="$root/models"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$root/build/app/maskstudio" "$@"
fi
echo "no display: running headless"
out="$root/build/demo"
mkdir -p "$out"
QT_QPA_PLATFORM=offscreen "$root/build/app/maskstudio" --render "$out/maskstudio.png"
cli="$root/build/app/maskstudio-cli"
"$cli" synth bike --n 4000 --seed 0 --out "$out/bikes.csv"
"$cli" train --data "$out/bikes.csv" --preset bike --quiet --out "$out/bike.msm"
"$cli" sample --model "$out/bike.msm" BikeStyle=ROAD frame_size=M --n 4 --seed 1 --out "$out/bike"
echo "wrote $out/maskstudio.png (the studio's default design) and $out/bike.{csv,svg,dxf,png}"
