#pragma once
// The rows of one training step that this process computes the loss of. One process: the whole
// batch. Data parallel (training/DataParallelGroup.h): the contiguous rows [first, first + rows)
// of the step's global batch of globalRows.
//
// A loss that draws per-row randomness (diffusion noise and timesteps, masks, dropped conditions)
// and wants the run to be the same on any number of ranks draws it for all globalRows rows, from
// the generator that is in step on every rank, and keeps its own rows (`ofGlobal`); a loss whose
// rows interact (BatchNorm statistics) computes that part over the global batch and keeps its own
// rows the same way. Then k steps on N ranks give the weights one rank gets with the whole batch.
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace ms {

struct BatchShard {
    int64_t first = 0;       // of the global batch
    int64_t rows = 0;        // this process's
    int64_t globalRows = 0;  // the step's batch over every rank
    int64_t step = 0;        // the update's index in the whole run (0-based; a resumed run counts on)

    static BatchShard whole(int64_t rows, int64_t step) { return {0, rows, rows, step}; }
    bool isWhole() const { return first == 0 && rows == globalRows; }
    // How many rows to draw per-row randomness for when this process has `localRows` rows (a
    // default BatchShard: one process, whatever batch it is given).
    int64_t drawnRows(int64_t localRows) const { return globalRows > 0 ? globalRows : localRows; }
    // This shard's rows of a tensor with globalRows rows (drawn or computed for the whole batch).
    at::Tensor ofGlobal(const at::Tensor& global) const { return isWhole() ? global : global.narrow(0, first, rows); }
};

}  // namespace ms
