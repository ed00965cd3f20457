#!/usr/bin/env bash
# Takes the README screenshot of the real window under a virtual X display (Xvfb), with a fresh
# settings folder so the picture does not depend on the machine's history.
#   bash packaging/screenshot.sh [build-dir] [out.png]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
out="${2:-docs/images/studio.png}"
cfg="$(mktemp -d)"
trap 'rm -rf "$cfg"' EXIT
XDG_CONFIG_HOME="$cfg" XDG_DATA_HOME="$cfg" MASKSTUDIO_MODELS_DIR="$PWD/models" \
  xvfb-run -a -s "-screen 0 1440x900x24" \
  "$build/app/maskstudio" --screenshot "$out" --samples 6 --pin saddle_top=620,850
echo "wrote $out"
