#pragma once
// A hot loop's fan-out over OpenMP's own threads (the team ATen and OpenBLAS use, so the thread
// budget and GOMP_SPINCOUNT govern it too): part i of n on thread i. For work split per step
// (a batch's halves), where starting plain threads would cost more than the step. The engine's
// other sources are built without -fopenmp (it would change the shared precompiled header's
// flags), so ATen's inline at::parallel_for runs serially in them; this file is built with it.
// Torch-free header.
#include <cstdint>
#include <functional>

namespace ms {

// Calls part(i) for every i in [0, parts) on `parts` OpenMP threads (the calling thread is part
// 0) and returns when all are done; OpenBLAS called inside runs single-threaded. The first
// exception a part throws is rethrown here after the others finish. Serial inside another
// parallel region or for parts < 2.
void runOpenMpParts(int64_t parts, const std::function<void(int64_t)>& part);

}  // namespace ms
