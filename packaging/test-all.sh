#!/usr/bin/env bash
# Installs the Debian dependencies, builds everything with Ninja and runs the whole CTest
# suite (labels unit, realdata, slow). Real-data tests read ../shared/data, passed explicitly.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${MASKSTUDIO_SHARED_DATA:-$root/../shared/data}"
if [ ! -f "$shared/geobiked/df_parameters_final.csv" ]; then
  echo "test-all: real data not found at $shared (expected ../shared/data beside the repo)" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null; then bash "$root/packaging/install-deps.sh"; fi
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMASKSTUDIO_SHARED_DATA="$shared"
cmake --build "$root/build" -j "$(nproc)"
cd "$root/build"
ctest --output-on-failure --timeout 900 -j1
