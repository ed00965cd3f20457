#pragma once
// A training run's resumable state, checkpointed into the model bundle.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "core/training/FlatAdamW.h"
#include "core/training/TrainingProgress.h"

namespace ms {

// Everything needed to continue a run exactly where an epoch boundary left it.
struct TrainerState {
    int64_t completedEpochs = 0;
    int64_t globalStep = 0;
    AdamWState optimizer;
    at::Tensor rngState;  // CPU generator state (empty for CUDA runs)
    std::vector<EpochRecord> history;
    bool partial = false;   // written on cancel mid-epoch: weights include a partial epoch
    bool finished = false;  // all epochs done
};

}  // namespace ms
