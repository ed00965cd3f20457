#!/usr/bin/env bash
# Sourced by the GPU scripts: configures and builds maskstudio-cli against the CUDA LibTorch of the
# machine's Python torch (no Qt, no OpenCV) into build-cuda/, and sets $cli. Header-only build deps
# (nlohmann_json, CLI11) may be supplied under .devdeps/{include,share/cmake}.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mkdir -p "$root/build-cuda"
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
cmake -S "$root" -B "$root/build-cuda" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$torch_prefix;$root/.devdeps" \
  -DMASKSTUDIO_WITH_QT=OFF -DMASKSTUDIO_WITH_OPENCV=OFF -DMASKSTUDIO_WITH_BENCHMARKS=OFF \
  -DMASKSTUDIO_WARNINGS_AS_ERRORS=OFF > "$root/build-cuda/configure.log" 2>&1 \
  || { tail -40 "$root/build-cuda/configure.log"; exit 1; }
cmake --build "$root/build-cuda" --target maskstudio-cli -j"$(nproc)" > "$root/build-cuda/build.log" 2>&1 \
  || { grep -E "error|FAILED" "$root/build-cuda/build.log" | head -30; exit 1; }
cli="$root/build-cuda/app/maskstudio-cli"
test -x "$cli" && echo "built $cli"
