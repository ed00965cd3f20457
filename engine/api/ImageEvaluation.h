#pragma once
// The image issue's quality table: on held-out images (recorded in the model), for each
// inference sparsity s every condition of a test row is masked with probability s (seeded),
// images are generated from the rest, and compared with the real image of that row: MSE and
// SSIM. Controllability: a classifier trained on the REAL training images recognises each
// categorical condition; its accuracy on generated images over the conditions that were given.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/ImageSet.h"

namespace ms::api {

struct ImageEvalRequest {
    std::string modelPath;
    std::vector<double> sparsities{0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    int64_t rows = 64;  // held-out images evaluated (at most the recorded test set)
    std::string sampler = "ddim";
    int64_t steps = 20;
    double eta = 0.0;
    double guidance = 1.0;
    uint64_t seed = 0;
    int64_t classifierEpochs = 8;
    int64_t batch = 64;
    std::string device = "auto";
};

struct ImageEvalRow {
    double sparsity = 0.0;
    double mse = 0.0, mseSd = 0.0, ssim = 0.0, ssimSd = 0.0;
    double controllability = -1.0;        // mean over categorical conditions that were given
    std::vector<double> perCondition;     // per categorical condition, -1 when never given
};

struct ImageEvalReport {
    std::vector<ImageEvalRow> rows;
    std::vector<std::string> categoricalNames;
    std::vector<double> classifierRealAccuracy;  // on the real held-out images: the ceiling
    int64_t testImages = 0;
    double seconds = 0.0;
    std::string device;
};

ImageEvalReport evaluateImageModel(const ImageSet& images, const ImageEvalRequest& request);

}  // namespace ms::api
