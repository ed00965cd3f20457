#pragma once
// Benchmark 3 of method 3 (METHODS.md §3): the partial-observation denoiser trained on incomplete
// Gaussian AR(1) vectors only (50 % MCAR), scored against the Bayes-optimal completion. Model A
// is Work I (context/query split), model B the ablation without the split (context = M, loss on
// M). Every (model, K, steps) gives the MSE over the test rows' missing entries, its ratio to the
// Bayes MSE on the same rows, and the inference time per row.
#include <cstdint>
#include <string>
#include <vector>

#include "core/runtime/CancelToken.h"

namespace ms::experiments {

struct PartialAr1Settings {
    int64_t dims = 16;
    double rho = 0.9;
    double missing = 0.5;
    int64_t trainRows = 8000;
    int64_t testRows = 500;
    int64_t updates = 8000;
    int64_t ablationUpdates = 0;  // model B's (0: as many as A's); B's failure is structural, not a lack of training
    int64_t batchSize = 128;
    int64_t hidden = 512;
    int64_t blocks = 2;
    double lr = 2e-3;
    double delta = 0.2;
    double lowNoiseShare = 0.8;
    std::vector<int64_t> members{1, 4, 16};
    std::vector<int64_t> steps{0};  // 0: single step; n >= 2: DDIM steps
    bool ablation = true;           // also train model B
    uint64_t seed = 0;
};

struct PartialAr1Row {
    std::string model;  // "A" (context/query) or "B" (no split)
    int64_t members = 0;
    int64_t steps = 0;
    double mse = 0.0;
    double ratioToBayes = 0.0;
    double msPerRow = 0.0;
};

struct PartialAr1Result {
    double bayesMse = 0.0;          // Bayes completion's MSE on the test rows
    double bayesExpectedMse = 0.0;  // its expectation (Schur complement)
    std::vector<PartialAr1Row> rows;
    std::vector<std::pair<std::string, double>> trainSeconds;  // per model
};

PartialAr1Result runPartialAr1Benchmark(const PartialAr1Settings& settings, const CancelToken& cancel);

}  // namespace ms::experiments
