#pragma once
// Training settings of an mcVAE run (defaults = the authors' GeoBIKED code, METHODS.md §1).
#include <cstdint>
#include <string>

#include "conditioning/SparsitySchedule.h"
#include "training/AdamWSettings.h"

namespace ms {

struct TrainingConfig {
    int64_t epochs = 500;
    int64_t batchSize = 128;
    AdamWSettings adamw;
    int64_t lrStepEpochs = 100;  // StepLR: lr *= gamma every lrStepEpochs epochs
    double lrGamma = 0.9;
    double klWeight = 0.7;       // loss = (1 - b) * SSE + b * KL
    SparsitySchedule sparsity;   // linear 0.1 -> 0.2, stepped per gradient update
    uint64_t seed = 0;
    double testFraction = 0.15;
    int64_t validateEvery = 10;     // epochs between validation passes (0: never)
    int64_t checkpointEvery = 50;   // epochs between checkpoints (0: only at the end)
    int threads = 1;                // intra-op threads; 1 is fastest for models this small

    double learningRateAt(int64_t epoch) const;
    // Empty when valid, else a message naming the bad field.
    std::string validate() const;
};

}  // namespace ms
