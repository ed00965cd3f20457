#!/usr/bin/env bash
# Builds the .deb from a finished build folder, installs it into a temporary root (no root
# rights needed: dpkg-deb -x) and runs the installed programs from there, with nothing from the
# source tree in reach: maskstudio-cli --version, a CLI sample with the installed bike model,
# and the offscreen GUI smoke test.
#   bash packaging/test-deb.sh BUILD_DIR
set -euo pipefail
build="$(cd "${1:?usage: test-deb.sh BUILD_DIR}" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb="$(ls "$work"/out/*.deb)"
echo "built $(basename "$deb") ($(du -h "$deb" | cut -f1))"
dpkg-deb -I "$deb" | grep -E "Package|Version|Depends"
root="$work/root"
dpkg-deb -x "$deb" "$root"

for f in usr/bin/maskstudio usr/bin/maskstudio-cli usr/share/applications/maskstudio.desktop \
         usr/share/icons/hicolor/scalable/apps/maskstudio.svg usr/share/maskstudio/models/bike.msm \
         usr/share/maskstudio/models/car.msm usr/share/maskstudio/models/geobiked.json; do
  [ -e "$root/$f" ] || { echo "missing in the package: $f"; exit 1; }
done

unset MASKSTUDIO_MODELS_DIR  # the installed programs must find their own models
cd "$work"
"$root/usr/bin/maskstudio-cli" --version
"$root/usr/bin/maskstudio-cli" sample --model "$root/usr/share/maskstudio/models/bike.msm" BikeStyle=ROAD --n 2 --out "$work/s"
[ -s "$work/s.csv" ] && [ -s "$work/s.svg" ] && [ -s "$work/s.dxf" ]
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" QT_QPA_PLATFORM=offscreen
"$root/usr/bin/maskstudio" --smoke-test
"$root/usr/bin/maskstudio" --render "$work/installed.png"
[ -s "$work/installed.png" ]
echo "package test passed"
