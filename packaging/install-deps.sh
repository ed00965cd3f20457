#!/usr/bin/env bash
# Installs every Debian 12 package Maskstudio needs to build, test and package.
# Idempotent; run as root (or through sudo). Safe to re-run: apt-get skips what is present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  # packaging: cpack -G DEB (dpkg-shlibdeps works out the runtime dependencies)
  dpkg-dev file
  # engine: LibTorch (CPU) + an optimised BLAS (without it torch falls back to the reference
  # BLAS, about 10x slower; libblas-dev: cblas.h and the link name for the mcVAE CPU kernel),
  # JSON and CLI parsing, benchmarks; libgloo-dev: the headers of Gloo, the collectives c10d trains
  # on several processes with (the library itself comes with libtorch)
  libtorch-dev libgloo-dev libopenblas0-openmp libblas-dev nlohmann-json3-dev libcli11-dev libbenchmark-dev
  # SFARM on images: Fashion-MNIST (/usr/share/datasets/fashion-mnist) and zlib to read its .gz
  dataset-fashion-mnist zlib1g-dev
  # imaging target
  libopencv-dev
  # ui
  qt6-base-dev qt6-base-dev-tools libqcustomplot-dev libgl-dev qt6-svg-dev
  # screenshots and GUI tests under a virtual display
  xvfb xauth
  # in-process fuzzing of the readers (tests/fuzz: libFuzzer, AddressSanitizer, UBSan)
  clang libclang-rt-14-dev bc
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
