#!/usr/bin/env bash
# mcVAE training speed against a plain PyTorch eager loop (issue 20, point 6), timed in one run:
# `maskstudio-cli train` with the geobiked-authors preset (500 epochs, batch 128, one thread) and
# tests/bench/mcvae_vs_pytorch.py (the same model, data, split size and settings in Debian's
# python3-torch), ROUNDS interleaved rounds, medians. Also the fused step alone on the CPU kernel
# and through ATen ops (bench_mcvae). THREADS: intra-op threads for both (the preset's is 1; with
# 2 or more ours splits each batch over them, McVaeFusedStep). Usage:
#   bash tests/bench/mcvae_vs_pytorch.sh [ROUNDS=3] [THREADS=1]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
threads=${2:-1}
cli=build/app/maskstudio-cli
data=${MASKSTUDIO_SHARED_DATA:-../shared/data}/geobiked/df_parameters_final.csv
[ -x "$cli" ] || { echo "build first: $cli is missing" >&2; exit 1; }
[ -f "$data" ] || { echo "GeoBIKED is missing: $data" >&2; exit 1; }
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "needs Debian's python3-torch: apt-get install -y python3-torch" >&2; exit 1; }
work=$(mktemp -d /tmp/maskstudio-mcvae-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$cli" schema --data "$data" --preset geobiked-authors --json > "$work/schema.json" 2>/dev/null
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for r in $(seq "$rounds"); do
  s=$(date +%s.%N)
  "$cli" train --data "$data" --preset geobiked-authors --out "$work/m.msm" --json --quiet --threads "$threads" | tail -1 > "$work/ours.json"
  e=$(date +%s.%N)
  echo "$e - $s" | bc >> "$work/ours-process"
  /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["train_seconds"])' "$work/ours.json" >> "$work/ours-train"
  s=$(date +%s.%N)
  /usr/bin/python3 tests/bench/mcvae_vs_pytorch.py --data "$data" --schema "$work/schema.json" --preset models/geobiked-authors.json --threads "$threads" > "$work/torch.json"
  e=$(date +%s.%N)
  echo "$e - $s" | bc >> "$work/torch-process"
  /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["loop_seconds"])' "$work/torch.json" >> "$work/torch-train"
  echo "round $r: ours $(tail -1 "$work/ours-train") s training, $(tail -1 "$work/ours-process") s process; PyTorch $(tail -1 "$work/torch-train") s, $(tail -1 "$work/torch-process") s" >&2
done
updates=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["updates"])' "$work/torch.json")
ot=$(median < "$work/ours-train"); op=$(median < "$work/ours-process")
tt=$(median < "$work/torch-train"); tp=$(median < "$work/torch-process")
echo "| run (GeoBIKED, 500 epochs, $updates updates of 128, $threads thread(s)) | training s | process s | ms per update (training) |"
echo "|-----------------------------------------------------------------|------------|-----------|--------------------------|"
printf "| maskstudio-cli train (CPU kernel; validation, checkpoints)      | %10.2f | %9.2f | %24.3f |\n" "$ot" "$op" "$(echo "1000 * $ot / $updates" | bc -l)"
printf "| PyTorch eager loop (python3-torch)                              | %10.2f | %9.2f | %24.3f |\n" "$tt" "$tp" "$(echo "1000 * $tt / $updates" | bc -l)"
printf "ratio PyTorch / ours: training %.2f x, process %.2f x (median of %d rounds)\n" "$(echo "$tt / $ot" | bc -l)" "$(echo "$tp / $op" | bc -l)" "$rounds"
if [ -x build/tests/bench/bench_mcvae ]; then
  # the spin count the programs set for themselves (core/runtime/OpenMpWaiting.h); the bench is a plain binary
  GOMP_SPINCOUNT=${GOMP_SPINCOUNT:-10000} build/tests/bench/bench_mcvae --benchmark_filter="BM_FusedTrainingStep(AtenOps)?/$threads\$" --benchmark_repetitions=3 \
    --benchmark_report_aggregates_only=true 2>/dev/null | grep median
fi
