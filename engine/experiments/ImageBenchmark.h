#pragma once
// Image generation speed: DDIM sampling (default 20 steps) + first-stage decode per batch size,
// median and mean over repeated calls, on a trained model or on the default architecture with
// untrained weights (speed does not depend on the weights) at a given image size.
#include <cstdint>
#include <string>
#include <vector>

namespace ms::experiments {

struct ImageBenchSettings {
    std::string modelPath;  // empty: default architecture, untrained, `size` px
    int64_t size = 64;
    std::vector<int64_t> batches{1, 4, 16};
    int64_t steps = 20;
    double guidance = 1.0;  // != 1 doubles the U-Net batch (classifier-free guidance)
    int64_t iterations = 5;
    std::string device = "auto";
    // A model with cross-attention: each batch also timed with a target shape, and on the same
    // U-Net without cross-attention (untrained weights): what the tokens cost.
    bool crossAttentionCost = false;
};

struct ImageBenchRow {
    std::string variant = "as saved";  // or "no cross-attention", "target shape"
    int64_t batch = 1;
    double p50Ms = 0.0, meanMs = 0.0, minMs = 0.0;
    double msPerImage = 0.0;
};

struct ImageBenchReport {
    std::string model;
    std::string device;
    int64_t size = 0, steps = 0, unetParameters = 0;
    bool cudaGraphs = false;        // the sampler ran as CUDA graphs
    double graphMaxAbsDiff = -1.0;  // |graph - eager| over one batch-1 image (CUDA only; -1 otherwise)
    std::vector<ImageBenchRow> rows;
};

ImageBenchReport runImageBenchmark(const ImageBenchSettings& settings);

}  // namespace ms::experiments
