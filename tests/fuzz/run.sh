#!/usr/bin/env bash
# Builds the libFuzzer targets (build-fuzz/, clang with ASan + UBSan) and runs each one, starting
# from a corpus seeded with the project's own files (tests/fuzz/seeds/, models/*.csv heads and
# presets). Prints one line per target: executions, seconds, corpus size. Exit status 1 on any
# crash, leak, sanitizer report or timeout (the input is kept in build-fuzz/findings/).
#   bash tests/fuzz/run.sh [SECONDS_PER_TARGET=20] [RUNS=0 (no limit)] [TARGETS...]
# CI: the default 20 s each. docs/RESULTS.md: `bash tests/fuzz/run.sh 0 1000000` (10^6 each).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
seconds="${1:-20}"; runs="${2:-0}"; shift $(( $# > 2 ? 2 : $# ))
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(FuzzCsvSchema FuzzSchemaJson FuzzConditionPaste FuzzPreset FuzzIdx FuzzMaskPng FuzzModelFiles FuzzImageModelFiles FuzzImageFolder)
build="$root/build-fuzz"
# The main build (its engine libraries for FuzzModelFiles, its CLI for the model seeds): ctest passes it.
main_build="${MASKSTUDIO_FUZZ_ENGINE_BUILD:-$root/build}"
cli="$main_build/app/maskstudio-cli"
command -v clang++ > /dev/null || { echo "fuzz: clang++ not found (bash packaging/install-deps.sh installs it)" >&2; exit 2; }
[ -x "$cli" ] || { echo "fuzz: the main build is missing ($cli): build it first, or set MASKSTUDIO_FUZZ_ENGINE_BUILD" >&2; exit 2; }
mkdir -p "$build"
CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DMASKSTUDIO_FUZZ=ON -DMASKSTUDIO_FUZZ_ENGINE_BUILD="$main_build" > "$build/configure.log" 2>&1 \
  || { cat "$build/configure.log" >&2; exit 2; }
cmake --build "$build" -- -j2 > "$build/build.log" 2>&1 || { tail -40 "$build/build.log" >&2; exit 2; }

model_seeds() {  # $build/model-seeds: a small real model file of every kind the studio reads, made by the CLI (kept until it changes)
  local dir="$build/model-seeds" src="$root/tests/fuzz/seeds/model-sources"
  if [ -f "$dir/done" ] && [ "$dir/done" -nt "$cli" ]; then return; fi
  rm -rf "$dir"; mkdir -p "$dir/work"
  (
    cd "$dir/work"
    "$cli" sfarm train --data "$src/table.csv" --out ../table.sfm --epochs 2 --hidden 8 --batch 16 --no-early-stopping
    "$cli" partial train --data "$src/bike-gaps.csv" --preset bike --out ../bike.mpd --updates 3 --hidden 8 --blocks 1 --batch 8 --context iid
    "$cli" partial maskprior train --data "$src/bike-gaps.csv" --preset bike --out ../bike.mpr --updates 3 --hidden 8 --batch 8
    "$cli" image render --data "$root/models/bike.csv" --preset bike --size 16 --limit 12 --out images
    "$cli" image train --images images --preset bike --out ../bikes.msi --ae-epochs 1 --epochs 1 --batch 4 --base 8 --mult 1 \
      --ae-channels 8 --threads 1
    "$cli" image train --images images --preset bike --out ../bikes-xattn.msi --ae-epochs 1 --epochs 1 --batch 4 --base 8 --mult 1 \
      --ae-channels 8 --threads 1 --cross-attention
    "$cli" partial train --images images --out ../images.mpd --updates 2 --unet-channels 8 --batch 4 --context iid
    "$cli" partial maskprior train --images images --out ../images.mpr --updates 2 --unet-channels 8 --batch 4
    for m in sfarm ddpm; do  # Fashion-MNIST (Debian's dataset-fashion-mnist); MIWAE's file is 3 MB, left out
      "$cli" paper sfarm-images train --method "$m" --images 16 --epochs 1 --batch 8 --channels 8 --out "../fashion-$m.pxm"
    done
  ) > "$dir/make.log" 2>&1 || { echo "fuzz: making the model seeds failed:" >&2; tail -20 "$dir/make.log" >&2; exit 2; }
  rm -rf "$dir/work"; touch "$dir/done"
}

seed() {  # target -> seed folder with the project's own inputs of that kind
  local dir="$build/seeds/$1"; rm -rf "$dir"; mkdir -p "$dir"
  case "$1" in
    FuzzCsvSchema) cp "$root"/tests/fuzz/seeds/csv/* "$dir/"
                   for f in "$root"/models/*.csv; do head -12 "$f" > "$dir/$(basename "$f")"; done
                   # tables nobody here made, when the shared data is beside the checkout (never copied into the repo)
                   shared="${MASKSTUDIO_SHARED_DATA:-$root/../shared/data}"
                   for f in "$shared"/geobiked/*.csv "$shared"/uci/*.txt; do if [ -f "$f" ]; then head -12 "$f" > "$dir/shared-$(basename "$f")"; fi; done ;;
    FuzzSchemaJson) cp "$root"/tests/fuzz/seeds/schema/* "$dir/" ;;
    FuzzConditionPaste) cp "$root"/tests/fuzz/seeds/paste/* "$dir/" ;;
    FuzzPreset) cp "$root"/models/*.json "$root"/tests/fuzz/seeds/preset/* "$dir/" ;;
    FuzzIdx) cp "$root"/tests/fuzz/seeds/idx/* "$dir/" ;;
    FuzzMaskPng) cp "$root"/tests/fuzz/seeds/mask/* "$dir/" ;;
    FuzzModelFiles) cp "$root"/tests/fuzz/seeds/model/* "$build"/model-seeds/table.sfm "$build"/model-seeds/bike.mpd \
                      "$build"/model-seeds/bike.mpr "$dir/" ;;
    FuzzImageModelFiles) cp "$build"/model-seeds/*.msi* "$build"/model-seeds/images.mpd "$build"/model-seeds/images.mpr \
                           "$build"/model-seeds/*.pxm "$dir/" ;;
    FuzzImageFolder) cp "$root"/tests/fuzz/seeds/image/* "$dir/" ;;  # first byte: < 0x80 an image (png jpg bmp tif webp by value mod 5), >= 0x80 a mask
  esac
  echo "$dir"
}

for t in "${targets[@]}"; do case "$t" in FuzzModelFiles|FuzzImageModelFiles) model_seeds ;; esac; done
mkdir -p "$build/findings"
status=0
printf '| target | executions | seconds | corpus | result |\n|---|---|---|---|---|\n'
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"; mkdir -p "$corpus"
  seeds="$(seed "$t")"
  log="$build/$t.log"
  start=$(date +%s.%N)
  maxlen=4096
  [ "$t" = FuzzModelFiles ] && maxlen=65536  # a zip archive's directory is at its end: the whole file; the seeds are 2.5-23 KB
  [ "$t" = FuzzImageModelFiles ] && maxlen=1048576  # the image kinds' seeds are 130-450 KB
  set +e
  MASKSTUDIO_FUZZ_IMAGE_MODEL="$build/model-seeds/bikes.msi" ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions="$root/tests/fuzz/lsan.supp" UBSAN_OPTIONS=print_stacktrace=1 "$build/tests/fuzz/$t" "$corpus" "$seeds" \
    -max_total_time="$seconds" -runs="$((runs > 0 ? runs : -1))" -timeout=10 -rss_limit_mb=2048 -max_len="$maxlen" \
    -artifact_prefix="$build/findings/$t-" -print_final_stats=1 > "$log" 2>&1
  rc=$?
  set -e
  end=$(date +%s.%N)
  execs=$(grep -o "stat::number_of_executed_units: *[0-9]*" "$log" | grep -o "[0-9]*$" || echo "?")
  size=$(ls "$corpus" | wc -l)
  result=$([ $rc -eq 0 ] && echo "0 crashes, 0 leaks, 0 UB reports" || echo "FAILED (exit $rc, see $log)")
  printf '| %s | %s | %.0f | %s | %s |\n' "$t" "$execs" "$(echo "$end - $start" | bc)" "$size" "$result"
  if [ $rc -ne 0 ]; then status=1; grep -m5 -E "ERROR|runtime error|SUMMARY|deadly" "$log" >&2 || true; fi
done
rm -rf /tmp/maskstudio-fuzz-*  # the targets' scratch files and folders
exit $status
