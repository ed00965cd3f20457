#pragma once
// Benchmark 2 of method 3 (METHODS.md §3): keypoint completion on a design table (GeoBIKED).
// Every training row loses a fixed 30 % of its keypoints (MCAR, x and y together; the extra
// outputs such as wheel diameters count as keypoints here); held-out rows lose their own 30 %.
// Score: MSE over the removed coordinates in the min-max units `eval` uses (outputs scaled to
// [0, 1] over the whole table), given the rest and the conditions. Models: A, the partial-
// observation denoiser on the incomplete rows (single step, K contexts); the oracle, the same
// network and inference trained on the complete rows; the design SFARM on the incomplete rows;
// MIWAE on the incomplete rows (no conditions: it has no condition input).
#include <cstdint>
#include <string>
#include <vector>

#include "core/runtime/CancelToken.h"

namespace ms::experiments {

struct PartialKeypointSettings {
    std::string dataPath;
    std::string preset = "geobiked";
    double removed = 0.3;        // share of each row's keypoints removed
    double testFraction = 0.15;
    int64_t updates = 15000;
    int64_t batchSize = 128;
    int64_t hidden = 512;
    int64_t blocks = 3;
    double delta = 0.2;
    double lowNoiseShare = 0.8;  // share of rows trained at t < 50
    int64_t members = 16;
    std::vector<std::string> models{"A", "oracle", "sfarm", "miwae"};
    int64_t sfarmEpochs = 300;
    int64_t miwaeEpochs = 300;
    uint64_t seed = 0;
};

struct PartialKeypointRow {
    std::string model;
    double mse = 0.0;          // over the removed coordinates, [0, 1] units
    double trainSeconds = 0.0;
    double msPerRow = 0.0;     // completion time per held-out row (all rows in one call)
    double msOneDesign = 0.0;  // A and oracle: median time to complete one design alone (the studio's case)
};

struct PartialKeypointResult {
    int64_t trainRows = 0, testRows = 0, removedCoordinates = 0;
    std::vector<PartialKeypointRow> rows;
};

PartialKeypointResult runPartialKeypointBenchmark(const PartialKeypointSettings& settings, const CancelToken& cancel);

}  // namespace ms::experiments
