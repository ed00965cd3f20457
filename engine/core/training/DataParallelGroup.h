#pragma once
// Data-parallel training: one run spread over several processes ("ranks"), each training a shard
// of every global batch on its own copy of the model, the gradients summed between them before
// the same optimizer step on every rank. The minibatch loop (training/MinibatchAdamW) only needs
// these collectives; the implementation over PyTorch's c10d (Gloo on CPU) is in distributed/.
#include <ATen/core/Tensor.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

namespace ms {

class DataParallelGroup {
public:
    virtual ~DataParallelGroup() = default;
    virtual int rank() const = 0;
    virtual int worldSize() const = 0;
    // Sums `values` over the ranks, in place (every rank ends with the sum). `phase` names what is
    // being exchanged in the error thrown when a rank fails or does not answer in time.
    virtual void allReduceSum(at::Tensor& values, const std::string& phase) = 0;
    // Replaces `values` on every rank by rank 0's, in place.
    virtual void broadcastFromRankZero(at::Tensor& values, const std::string& phase) = 0;
};

// The rows [first, last) of a global batch of `rows` that `rank` of `world` trains: contiguous
// shards whose sizes differ by at most one (the union is the batch, in order).
inline std::pair<int64_t, int64_t> shardOfBatch(int64_t rows, int rank, int world) {
    const int64_t base = rows / world, extra = rows % world;
    const int64_t first = rank * base + std::min<int64_t>(rank, extra);
    return {first, first + base + (rank < extra ? 1 : 0)};
}

}  // namespace ms
