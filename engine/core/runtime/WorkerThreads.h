#pragma once
// The engine's one way to fan work out over plain worker threads (settings searches: trials and
// cross-validation runs, each on one thread of its own). Joins before returning.
#include <cstdint>
#include <functional>

namespace ms {

// Runs `work` on `threads` threads, each calling `onStart` first (may be empty), and joins them.
void runOnThreads(int threads, const std::function<void()>& onStart, const std::function<void()>& work);

// Calls task(i) once for every i in [0, n), on up to `threads` threads taking the next index in
// turn; each thread calls `onStart` first (may be empty).
void parallelFor(int64_t n, int threads, const std::function<void()>& onStart, const std::function<void(int64_t)>& task);

}  // namespace ms
