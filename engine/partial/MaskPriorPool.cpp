#include "partial/MaskPriorPool.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "core/runtime/TorchRuntime.h"
#include "core/training/MinibatchAdamW.h"
#include "partial/ImageDenoiser.h"
#include "partial/VectorDenoiser.h"

namespace ms::partial {

std::shared_ptr<PartialDenoiser> makeMaskPriorNetwork(int64_t entries, const MaskPriorPoolSettings& s) {
    return buildSeeded(s.training.seed, [&]() -> std::shared_ptr<PartialDenoiser> {
        if (s.image.height > 0) {
            ImageDenoiserConfig config;
            config.channels = s.image.channels;
            config.height = s.image.height;
            config.width = s.image.width;
            config.baseChannels = s.baseChannels;
            config.channelMult = s.channelMult;
            return ImageDenoiser(config).ptr();
        }
        VectorDenoiserConfig config;
        config.dims = entries;
        config.hidden = s.hidden;
        config.blocks = 2;
        return VectorDenoiser(config).ptr();
    });
}

void useImagePriorDefaults(MaskPriorPoolSettings& s, int64_t updates) {
    s.training.updates = updates > 0 ? updates : kImagePriorUpdates;
    s.training.weightAverage = kImagePriorWeightAverage;
    s.steps = kImagePriorPoolSteps;
    s.timePower = kImagePriorPoolTimePower;
}

int64_t maskPriorEpochs(int64_t rows, const MaskPriorTraining& training) {
    return epochsForUpdates(rows, std::min(training.batchSize, rows), training.updates);
}

std::shared_ptr<PartialDenoiser> learnMaskPrior(const at::Tensor& masks, const MaskPriorPoolSettings& s, const CancelToken& cancel,
                                                const EpochLossFn& onEpoch) {
    const std::shared_ptr<PartialDenoiser> prior = makeMaskPriorNetwork(masks.size(1), s);
    prior->to(masks.device());
    trainMaskPrior(*prior, masks, BfnSchedule{}, s.training, onEpoch, cancel);
    return prior;
}

at::Tensor learnMaskPriorPool(const at::Tensor& masks, const MaskPriorPoolSettings& s, const CancelToken& cancel,
                              const EpochLossFn& onEpoch) {
    const std::shared_ptr<PartialDenoiser> prior = learnMaskPrior(masks, s, cancel, onEpoch);
    if (cancel.cancelled()) return {};
    return drawMaskPriorPool(*prior, s, cancel);
}

at::Tensor drawMaskPriorPool(PartialDenoiser& prior, const MaskPriorPoolSettings& s, const CancelToken& cancel,
                             const BfnSchedule& schedule) {
    MaskSampling sampling;
    sampling.steps = s.steps;
    sampling.timePower = s.timePower;
    sampling.cancel = &cancel;  // undefined when cancelled while drawing
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(s.training.seed + 1);
    return sampleMasks(prior, s.poolSize, schedule, sampling, generator);
}

double strongestGapCorrelation(const at::Tensor& masks) {
    const at::Tensor missing = (masks < 0.5).to(at::kDouble).cpu();
    const at::Tensor rate = missing.mean(0);
    const at::Tensor varying = at::logical_and(rate >= 0.01, rate <= 0.99).nonzero().flatten();
    if (varying.numel() < 2) return 0.0;
    const at::Tensor m = missing.index_select(1, varying);
    const at::Tensor centred = m - m.mean(0);
    const at::Tensor scale = centred.pow(2).mean(0).sqrt();
    at::Tensor phi = centred.t().matmul(centred) / static_cast<double>(m.size(0)) / at::outer(scale, scale);
    phi.fill_diagonal_(0.0);
    return phi.abs().max().item<double>();
}

}  // namespace ms::partial
