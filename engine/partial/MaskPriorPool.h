#pragma once
// Work II's contexts in one call: a BFN prior (partial/MaskPrior) learnt over images' observation
// masks, its network the partial-observation U-Net (partial/ImageDenoiser), and a pool of its
// draws for ContextSettings::priorPool (contexts M_hat ⊙ M in training and ensemble inference).
// Used by `partial train --images --context prior` and the Fashion-MNIST benchmark's model W.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "core/runtime/CancelToken.h"
#include "partial/ContextMasks.h"
#include "partial/MaskPrior.h"

namespace ms::partial {

struct MaskPriorPoolSettings {
    ImageShape image;                            // of the masks
    int64_t baseChannels = 16;                   // the prior U-Net's width
    std::vector<int64_t> channelMult{1, 2, 2};   // one halving per level after the first
    MaskPriorTraining training;
    int64_t poolSize = 2048;
    int64_t steps = 20;                          // the discrete-time sampler's
};

// masks: [N, C*H*W] float 0/1 on the device the prior should train on. Returns the pool
// [poolSize, C*H*W] float 0/1 (undefined when cancelled). Throws as trainMaskPrior does.
at::Tensor learnMaskPriorPool(const at::Tensor& masks, const MaskPriorPoolSettings& settings, const CancelToken& cancel);

}  // namespace ms::partial
