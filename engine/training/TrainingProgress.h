#pragma once
// What a training run reports while it runs and keeps as its history (loss curves).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "training/FlatAdamW.h"

namespace ms {

struct EpochRecord {
    int64_t epoch = 0;            // 1-based
    double reconstruction = 0.0;  // SSE per sample (sum over outputs), normalised units
    double kl = 0.0;              // per sample
    double sparsity = 0.0;        // p at the last update of the epoch
    double learningRate = 0.0;
    double validation = std::numeric_limits<double>::quiet_NaN();  // SSE per sample, z = mu, all known conditions
};

struct TrainingProgress {
    int64_t epoch = 0;
    int64_t epochs = 0;
    int64_t step = 0;
    int64_t totalSteps = 0;
    double samplesPerSecond = 0.0;
    double elapsedSeconds = 0.0;
    EpochRecord record;
};

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
