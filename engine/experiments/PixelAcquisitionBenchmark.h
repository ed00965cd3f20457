#pragma once
// Active information acquisition on images (issue 5, seed 002 §3.7): which pixels to look at
// next to learn a target region of a Fashion-MNIST image. Per test image, the target is a
// rectangle of pixels; acquisition starts from `initialObserved` of the other pixels (random)
// and reveals one candidate pixel (true value) at a time, either greedily (the candidate of the
// largest estimated information about the target, sfarm/SfarmInformationGain) or in a random
// order. After each step the target is imputed by SFARM (point imputation, S' calls) and its MSE
// against the truth recorded: the acquisition curve.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/runtime/CancelToken.h"
#include "experiments/PixelModels.h"

namespace ms::experiments {

struct PixelRectangle {
    int64_t x = 0, y = 0, width = 0, height = 0;  // pixels; x = column
};
// "X,Y,W,H" -> rectangle; throws std::invalid_argument naming the text.
PixelRectangle parsePixelRectangle(const std::string& text);

struct PixelAcquisitionSettings {
    PixelRectangle target{10, 10, 8, 8};  // the centre of a 28 x 28 image
    int64_t acquisitions = 10;            // pixels revealed per image
    int64_t candidateStride = 3;          // candidates: every stride-th pixel in each direction
    int64_t samples = 4;                  // information estimate draws per candidate
    double initialObserved = 0.0;         // share of the non-target pixels known at the start
    int64_t imputeSteps = 16;             // S' of the target imputation after each step
    uint64_t seed = 0;
    std::function<void(const std::string&)> log;
};

struct PixelAcquisitionCurves {
    // [k] = target MSE over the images after k acquired pixels, k = 0..acquisitions.
    std::vector<double> greedy, random;
    // Per image, the pixels the greedy strategy acquired, in order (index y * width + x).
    std::vector<std::vector<int64_t>> greedyPicks;
    // The first image's first ranking: information (nats) per pixel, NaN where not a candidate,
    // [H * W].
    std::vector<double> firstInformation;
    double seconds = 0.0;
};

// model: an SFARM pixel model; images [N, H*W] grey levels in [0, 1].
PixelAcquisitionCurves runPixelAcquisitionBenchmark(const PixelModel& model, const at::Tensor& images,
                                                    const PixelAcquisitionSettings& settings, const CancelToken& cancel);

}  // namespace ms::experiments
