#pragma once
// Sequential active information acquisition on a UCI table (the SFARM paper's acquisition
// experiment, protocol made explicit): per split seed, a 90/10 split standardised with the
// training part; SFARM trained on the complete training rows; for every test row the target
// (last column) is unknown and nothing else is observed; features are acquired one at a time,
// and after each acquisition the target is predicted by SFARM's conditional mean. Strategies:
// SFARM greedy (the feature with the largest estimated I(target; feature | observed)), a random
// order (seeded per row, SFARM predictions), and optionally MIWAE greedy (see miwaeEpochs). Curves: target RMSE (standardised) vs number acquired.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/data/NumericTable.h"
#include "core/runtime/CancelToken.h"

namespace ms::experiments {

struct AcquisitionBenchmarkSettings {
    std::vector<uint64_t> seeds{0, 1, 2};
    double testFraction = 0.1;
    int64_t epochs = 2000;
    int64_t hidden = 32;
    int64_t batchSize = 100;
    double lr = 1e-3;
    int64_t informationSamples = 32;
    // MIWAE (K = 20, 128 units) trained on the same rows; greedy by the Gaussian estimate
    // -0.5 log(1 - rho^2) of I(target; feature | observed) from its SIR draws of p(x | observed),
    // target predicted by its importance-weighted mean. 0 epochs: no MIWAE curve.
    int64_t miwaeEpochs = 0;
    int64_t miwaeDraws = 256;
    std::function<void(const std::string&)> log;
};

struct AcquisitionCurves {
    // [k] = target RMSE over test rows and seeds after k acquired features, k = 0..D-1 (all)
    std::vector<double> greedy, random, miwae;  // miwae: empty unless miwaeEpochs > 0
    std::vector<double> greedyFirstPickShare;  // per feature: how often greedy picked it first
    int64_t testRows = 0;                      // over all seeds
    double seconds = 0.0;
};

AcquisitionCurves runAcquisitionBenchmark(const NumericTable& data, const AcquisitionBenchmarkSettings& settings,
                                          const CancelToken& cancel);

}  // namespace ms::experiments
