#!/usr/bin/env bash
# Image sampling speed when the cores are shared (issue 20, "one thread budget"): maskstudio-cli
# image bench (64 px, batch 1, DDIM 20 + decode) on an idle machine and with one core kept busy by
# another process: a fixed 2 threads with the ways OpenMP's idle threads can wait, the shipped
# default (the thread budget: the cores other processes leave free, checked as the job goes on),
# and one thread. One run; medians of [iterations].
#   bash tests/bench/thread_budget.sh [build-dir] [model] [iterations]
# Run it on an otherwise idle machine: it keeps one core busy itself for the "one core busy" column.
set -euo pipefail
cd "$(dirname "$0")/../.."
cli="${1:-build}/app/maskstudio-cli"
model="${2:-models/bike.msi}"
iterations="${3:-15}"

p50() {  # env assignments..., then -- , then extra bench arguments
    local envs=() ; while [ "$1" != "--" ]; do envs+=("$1"); shift; done; shift
    env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT "${envs[@]}" "$cli" image bench --model "$model" --batches 1 \
        --iterations "$iterations" --device cpu --json "$@" | tail -n 1 |
        python3 -c 'import json,sys; print("%.1f" % json.load(sys.stdin)["rows"][0]["p50_ms"])'
}

busy_pid=""
start_busy() { ( while :; do :; done ) & busy_pid=$!; }
stop_busy() { [ -n "$busy_pid" ] && kill "$busy_pid" 2>/dev/null; wait "$busy_pid" 2>/dev/null || true; busy_pid=""; }
trap stop_busy EXIT

declare -a names=("before: --threads 2, libgomp's default spin (300000)" "--threads 2, GOMP_SPINCOUNT=10000"
                  "--threads 2, OMP_WAIT_POLICY=PASSIVE" "shipped: free cores (thread budget), spin 10000"
                  "--threads 1")
declare -a envs=("GOMP_SPINCOUNT=300000" "" "OMP_WAIT_POLICY=PASSIVE" "" "")
declare -a args=("--threads 2" "--threads 2" "--threads 2" "" "--threads 1")
# Each cell: the median over $rounds rounds of the run's p50, the configurations interleaved
# within a round (this machine's speed drifts by tens of per cent over minutes).
rounds=3
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
cells() {
    local -A seen=()
    for r in $(seq "$rounds"); do
        for i in "${!names[@]}"; do
            # shellcheck disable=SC2086
            seen[$i]+=" $(p50 ${envs[$i]} -- ${args[$i]})"
        done
    done
    for i in "${!names[@]}"; do
        # shellcheck disable=SC2086
        echo "$(median ${seen[$i]})"
    done
}
mapfile -t idle < <(cells)
start_busy
mapfile -t busy < <(cells)
stop_busy
echo "image bench, $model, 64 px, batch 1: median over $rounds interleaved rounds of the p50 of $iterations (ms); $(nproc) cores"
printf '| %-52s | %8s | %15s |\n' "how OpenMP threads wait" "idle" "one core busy"
printf '|%s|----------|-----------------|\n' "$(printf -- '-%.0s' {1..54})"
for i in "${!names[@]}"; do printf '| %-52s | %8s | %15s |\n' "${names[$i]}" "${idle[$i]}" "${busy[$i]}"; done
