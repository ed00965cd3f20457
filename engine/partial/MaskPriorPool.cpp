#include "partial/MaskPriorPool.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "core/runtime/TorchRuntime.h"
#include "partial/ImageDenoiser.h"

namespace ms::partial {

at::Tensor learnMaskPriorPool(const at::Tensor& masks, const MaskPriorPoolSettings& s, const CancelToken& cancel) {
    ImageDenoiserConfig config;
    config.channels = s.image.channels;
    config.height = s.image.height;
    config.width = s.image.width;
    config.baseChannels = s.baseChannels;
    config.channelMult = s.channelMult;
    seedParameterInitialisation(s.training.seed);
    ImageDenoiser prior(config);
    prior->to(masks.device());
    trainMaskPrior(*prior, masks, BfnSchedule{}, s.training, {}, cancel);
    if (cancel.cancelled()) return {};
    MaskSampling sampling;
    sampling.steps = s.steps;
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(s.training.seed + 1);
    return sampleMasks(*prior, s.poolSize, BfnSchedule{}, sampling, generator);
}

}  // namespace ms::partial
