#pragma once
// Training an SFARM MLP on partially observed vectors with the simplified objective: AdamW,
// seeded, cancel checked every step, NaN loss reported with epoch and step.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "runtime/CancelToken.h"
#include "sfarm/MaskingMode.h"
#include "sfarm/SfarmMlp.h"

namespace ms {

struct SfarmTrainingConfig {
    int64_t epochs = 200;
    int64_t batchSize = 64;
    double lr = 1e-3;
    double weightDecay = 1e-4;
    uint64_t seed = 0;
    std::vector<MaskingMode> modes{MaskingMode::Random};
};

struct SfarmEpoch {
    int64_t epoch = 0;  // 1-based
    double loss = 0.0;  // mean objective per row over the epoch
};

// x: [N, S] float (missing entries may be NaN), observed: [N, S] bool. Throws
// std::runtime_error naming epoch and step when the loss stops being finite.
std::vector<SfarmEpoch> trainSfarm(SfarmMlp& model, const ElementGrid& grid, const at::Tensor& x,
                                   const at::Tensor& observed, const SfarmTrainingConfig& config,
                                   const std::function<void(const SfarmEpoch&)>& onEpoch, const CancelToken& cancel);

}  // namespace ms
