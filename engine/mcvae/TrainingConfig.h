#pragma once
// Training settings of an mcVAE run (defaults = the authors' GeoBIKED code, METHODS.md §1).
#include <cstdint>
#include <string>

#include "core/conditioning/SparsitySchedule.h"
#include "core/training/AdamWSettings.h"

namespace ms::mcvae {

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
    // Epochs between checkpoints (0: only at the end). Every epoch: a kill -9 loses at most the
    // epoch under way (they are written on a thread of their own, BackgroundWriter).
    int64_t checkpointEvery = 1;
    int threads = 1;                // intra-op threads; 1 is fastest for models this small
    // > 0: a budget of gradient updates instead of fixed epochs: scaleToRows picks the batch size
    // from the number of training rows and the epochs (and the lr step) to spend about this many
    // updates, so a table of 300 rows gets as many updates as one of 3,000.
    int64_t updates = 0;

    double learningRateAt(int64_t epoch) const;
    // With updates > 0: batch = the power of two nearest below rows / 20, within 16..128 (the
    // authors' 128 from about 2,600 rows up); epochs = updates / batches per epoch; the lr steps
    // five times over the run, as the authors' 100-epoch step does over 500 epochs. No-op otherwise.
    // batch > 0 keeps that batch size (a user's choice) and only sizes the epochs.
    void scaleToRows(int64_t rows, int64_t batch = 0);
    // Empty when valid, else a message naming the bad field.
    std::string validate() const;
};

}  // namespace ms::mcvae
