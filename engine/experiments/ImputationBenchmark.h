#pragma once
// The tabular imputation protocol of the SFARM paper's Table 1, made explicit (the paper does
// not state it; we follow MIWAE's): per split seed, a random 90/10 train/test split, features
// standardised with the training part's mean and sd, each value missing completely at random
// with probability `missingRate` in both parts (the model never sees a missing training value),
// and the test NLL = mean over test rows of -log p(x_unobserved | x_observed), in standardised
// units (summed over the row's unobserved features). Rows left with no unobserved value do
// not count.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/data/NumericTable.h"
#include "core/runtime/CancelToken.h"

namespace ms::experiments {

struct ImputationSplitResult {
    uint64_t seed = 0;
    double testNll = 0.0;         // per row, summed over its unobserved features
    double testNllPerValue = 0.0; // per unobserved value
    double imputationRmse = 0.0;  // of the mean imputation, standardised units
    int64_t testRows = 0;
    double trainSeconds = 0.0;
    int64_t bestEpoch = 0;        // SFARM with early stopping: the epoch whose weights were scored
};

enum class ImputationMethod {
    Sfarm,  // order-agnostic autoregressive, random mode
    Miwae,  // importance-weighted VAE trained on the incomplete data, K importance samples
    Vae,    // the same network with K = 1, trained on the complete training data; scored with
            // the prior as importance proposal (its encoder never saw missing values)
};
ImputationMethod parseImputationMethod(const std::string& name);  // "sfarm", "miwae", "vae"

struct ImputationBenchmarkSettings {
    ImputationMethod method = ImputationMethod::Sfarm;
    int64_t importanceSamples = 20;      // MIWAE training
    int64_t evaluationSamples = 1000;    // MIWAE/VAE importance samples for the test likelihood
    std::vector<uint64_t> seeds{0, 1, 2, 3, 4};
    double missingRate = 0.5;
    double testFraction = 0.1;
    int64_t epochs = 2000;
    int64_t batchSize = 100;
    int64_t hidden = 32;                 // SFARM MLP units (MIWAE/VAE: 128, as in MIWAE)
    int64_t layers = 3;
    int64_t mixture = 1;                 // SFARM Gaussian components per feature (1 = the paper's)
    bool atoms = false;                  // the training part's repeated values as atoms (sfarm/RepeatedValues), SFARM and MIWAE/VAE alike
    double lr = 1e-3;
    int64_t likelihoodOrders = 20;
    // SFARM early stopping: > 0 holds out this share of the training rows (their observed values
    // split at random into context and target) and checks their NLL every `validateEvery`
    // epochs; `epochs` is then the maximum, training stops after `patience` checks without
    // improvement and the best weights are scored.
    double validationFraction = 0.0;
    int64_t validateEvery = 50;
    int64_t patience = 10;
    std::function<void(const std::string&)> log;
};

std::vector<ImputationSplitResult> runImputationBenchmark(const NumericTable& data,
                                                               const ImputationBenchmarkSettings& settings,
                                                               const CancelToken& cancel);

}  // namespace ms::experiments
