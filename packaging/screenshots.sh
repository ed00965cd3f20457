#!/usr/bin/env bash
# The screenshots a reviewer needs, of the real window under a virtual X display (Xvfb) at two
# screen sizes, each from a fresh settings folder (a first launch):
#   first-launch-WxH.png   the studio as a new user first sees it
#   pin-drag-WxH.png       after dragging the saddle's handle with the mouse (xdotool)
#   pin-entry-WxH.png      View -> Snap to grid (grid drawn), then a double-click on that handle:
#                          its coordinates asked for
#   pin-typed-WxH.png      600, Tab, 1000, Enter: the saddle pinned there exactly
#   image-dock-WxH.png     the Image dock with the built-in image model, one image generated
#   training-WxH.png       the Training dock during a run on the built-in car data
#   bash packaging/screenshots.sh [build-dir] [out-dir]      (needs xvfb, xdotool, imagemagick)
# The image model is the built-in one, models/bike.msi (a first launch opens it by itself).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
out="${2:-$build/screenshots}"
app="$build/app/maskstudio"
cli="$build/app/maskstudio-cli"
for tool in Xvfb xdotool import; do
  command -v "$tool" >/dev/null || { echo "screenshots.sh: $tool is missing (apt-get install -y xvfb xdotool imagemagick)" >&2; exit 1; }
done
mkdir -p "$out" "$build/demo"

msi="models/bike.msi"  # the built-in image model (packaging/train-default-image-model.sh)
[ -f "$msi" ] || { echo "screenshots.sh: $msi is missing" >&2; exit 1; }

work="$(mktemp -d)"
xvfb_pid=""
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# start_app LOG ARGS...: a first launch (fresh settings and runs folder) on $DISPLAY.
start_app() {
  local log="$1"
  shift
  rm -rf "$work/cfg"
  mkdir -p "$work/cfg"
  XDG_CONFIG_HOME="$work/cfg" XDG_DATA_HOME="$work/cfg" MASKSTUDIO_MODELS_DIR="$PWD/models" "$app" "$@" >"$log" 2>&1 &
  app_pid=$!
}
stop_app() {
  kill "$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
  app_pid=""
}
# wait_for FILE PATTERN SECONDS
wait_for() {
  for _ in $(seq 1 $(($3 * 10))); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "screenshots.sh: '$2' did not appear in $1 within $3 s" >&2
  cat "$1" >&2
  return 1
}

display=97
for size in 1600x1000 1280x800; do
  Xvfb ":$display" -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  export DISPLAY=":$display"
  sleep 1

  # First launch, then a pin drag with the mouse: press on the saddle's handle, move, release.
  start_app "$work/handles.txt" --print-handles
  wait_for "$work/handles.txt" "^saddle_top " 60
  sleep 1
  import -window root "$out/first-launch-$size.png"
  read -r _ x y < <(grep "^saddle_top " "$work/handles.txt")
  xdotool mousemove "$x" "$y" mousedown 1
  for step in 1 2 3 4 5 6; do xdotool mousemove "$((x - 8 * step))" "$((y - 6 * step))"; sleep 0.05; done
  xdotool mouseup 1
  sleep 2
  import -window root "$out/pin-drag-$size.png"
  # CAD aids: View -> Snap to grid (clicked: without a window manager the key G may not reach
  # the window) draws the grid beside the scale bar; a double-click on the pinned handle asks for
  # its coordinates; typed ones pin it exactly.
  xdotool mousemove 97 8 click 1
  sleep 0.5
  xdotool mousemove 140 75 click 1
  sleep 0.5
  xdotool mousemove "$((x - 48))" "$((y - 36))" click --repeat 2 --delay 120 1
  sleep 1
  import -window root "$out/pin-entry-$size.png"
  xdotool type --delay 60 "600"
  xdotool key Tab
  xdotool type --delay 60 "1000"
  xdotool key Return
  sleep 2
  import -window root "$out/pin-typed-$size.png"
  stop_app

  start_app "$work/image.txt" --image-model "$msi" --print-handles
  wait_for "$work/image.txt" "^saddle_top " 60
  sleep 6  # the image model loads and generates (100 steps of a 32 px model)
  import -window root "$out/image-dock-$size.png"
  stop_app

  start_app "$work/train.txt" --train models/car.csv
  sleep 5  # mid-run (the car trains in about 15 s here): loss curves drawn, the window responsive
  import -window root "$out/training-$size.png"
  stop_app

  kill "$xvfb_pid" 2>/dev/null || true
  wait "$xvfb_pid" 2>/dev/null || true
  xvfb_pid=""
  display=$((display + 1))
done
ls -1 "$out"/*.png
