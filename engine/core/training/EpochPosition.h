#pragma once
// Where a training run stands inside an epoch, and the mid-epoch checkpoints taken from it.
// A checkpoint at the end of every epoch loses at most an epoch; on a large data set one epoch
// can take minutes, so the loop can also hand out its position every N seconds: the epoch's
// shuffle, how far it got, the loss so far and the generator's state. Resuming from it continues
// with the next batch exactly as the run would have (on the CPU, bit for bit).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>

namespace ms {

struct EpochPosition {
    int64_t epoch = 0;         // 1-based, of the whole run: the epoch under way
    int64_t rowsDone = 0;      // rows of the shuffle already trained (whole batches)
    double lossSum = 0.0;      // over those rows: each batch's mean loss x its rows
    at::Tensor permutation;    // the epoch's shuffle, [rows] long, CPU
    at::Tensor generatorState; // the run's generator after the last step (CPU generator state)

    bool defined() const { return permutation.defined(); }
};

struct MidEpochCheckpoints {
    // Seconds between checkpoints inside an epoch, counted from the run's start and from the last
    // checkpoint (an epoch's end counts as one); 0: only at the end of every epoch. A run cancelled
    // inside an epoch saves its position once more where it stopped.
    double everySeconds = 0.0;
    std::function<void(const EpochPosition&)> save;
};

}  // namespace ms
