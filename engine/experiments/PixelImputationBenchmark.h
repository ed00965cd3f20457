#pragma once
// The Fashion-MNIST imputation comparison of issue 5 (seed 002 §4.1, Figure 3): test images with
// a share of their pixels missing, uniformly scattered or as one square block, completed by each
// model (one conditional sample per image); the score is the mean squared error over the missing
// pixels, grey levels in [0, 1]. Every model sees the same masks. Plus SFARM's speed against the
// number of network calls S'.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/runtime/CancelToken.h"
#include "experiments/PixelModels.h"

namespace ms::experiments {

enum class PixelMaskKind { Uniform, Block };
const char* pixelMaskKindName(PixelMaskKind kind);
PixelMaskKind parsePixelMaskKind(const std::string& name);  // "uniform" / "block"

// [n, h*w] bool, true = observed. Uniform: exactly round(rate * h * w) missing pixels per image,
// uniformly chosen. Block: one axis-aligned square of side round(sqrt(rate * h * w)) (at most
// min(h, w)) missing, at a uniformly random position inside the image.
at::Tensor pixelObservedMask(PixelMaskKind kind, int64_t n, int64_t h, int64_t w, double missingRate,
                             std::mt19937_64& rng);

struct PixelImputationCell {
    PixelMaskKind kind = PixelMaskKind::Uniform;
    double missingRate = 0.0;    // asked for
    double missingShare = 0.0;   // realised (blocks are whole squares)
    PixelMethod method = PixelMethod::Sfarm;
    double mse = 0.0;            // over the missing pixels
    double seconds = 0.0;        // imputing all the images
};

struct PixelBenchmarkSettings {
    std::vector<double> missingRates{0.05, 0.1, 0.2, 0.3, 0.5, 0.9};
    std::vector<PixelMaskKind> kinds{PixelMaskKind::Uniform, PixelMaskKind::Block};
    PixelImputeSettings impute;
    uint64_t maskSeed = 0;
    std::function<void(const std::string&)> log;
};

// images [N, H*W] grey levels in [0, 1]; one cell per mask kind, rate and model, in that order.
std::vector<PixelImputationCell> runPixelImputationBenchmark(const std::vector<const PixelModel*>& models,
                                                             const at::Tensor& images,
                                                             const PixelBenchmarkSettings& settings,
                                                             const CancelToken& cancel);

struct SfarmSpeedPoint {
    int64_t steps = 0;          // S' network calls
    double seconds = 0.0;       // for all the images, one batch
    double mse = 0.0;           // over the missing pixels
};

// SFARM completing `images` with `missingRate` of their pixels missing uniformly (1.0:
// unconditional generation, MSE then meaningless and reported as NaN) with each S' in `steps`.
std::vector<SfarmSpeedPoint> runSfarmSpeedBenchmark(const PixelModel& sfarm, const at::Tensor& images,
                                                    const std::vector<int64_t>& steps, double missingRate,
                                                    uint64_t seed);

// Mean squared error of `imputed` against `images` over the pixels not observed.
double missingPixelMse(const at::Tensor& imputed, const at::Tensor& images, const at::Tensor& observed);

}  // namespace ms::experiments
