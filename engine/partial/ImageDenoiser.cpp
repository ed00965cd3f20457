#include "partial/ImageDenoiser.h"

#include <ATen/ATen.h>

#include <stdexcept>
#include <string>

namespace ms::partial {

diffusion::McUnetConfig ImageDenoiserConfig::unetConfig() const {
    diffusion::McUnetConfig c;
    c.inChannels = 2 * channels;  // M_ctx ⊙ u_t and M_ctx
    c.outChannels = channels;     // the clean image
    c.baseChannels = baseChannels;
    c.channelMult = channelMult;
    c.resBlocks = resBlocks;
    c.attentionFromLevel = static_cast<int64_t>(channelMult.size()) - 1;  // only the coarsest level
    c.heads = 4;
    c.classCounts = classCounts;
    c.numericalCount = numericalCount;
    return c;
}

ImageDenoiserImpl::ImageDenoiserImpl(ImageDenoiserConfig config) : m_config(std::move(config)) {
    const ImageDenoiserConfig& c = m_config;
    if (c.channels < 1 || c.height < 1 || c.width < 1)
        throw std::invalid_argument("partial image denoiser: channels, height and width must be positive");
    const int64_t factor = int64_t{1} << (static_cast<int64_t>(c.channelMult.size()) - 1);
    if (c.channelMult.empty() || c.height % factor != 0 || c.width % factor != 0)
        throw std::invalid_argument("partial image denoiser: " + std::to_string(c.height) + " x " + std::to_string(c.width) +
                                    " is not divisible by " + std::to_string(factor) + " (one halving per U-Net level)");
    const std::string problem = c.unetConfig().validate();
    if (!problem.empty()) throw std::invalid_argument("partial image denoiser: " + problem);
    m_unet = register_module("unet", diffusion::McUnet(c.unetConfig()));
}

at::Tensor ImageDenoiserImpl::predictClean(const at::Tensor& t, const at::Tensor& maskedState, const at::Tensor& context,
                                           const ConditionInput* conditions) {
    const ImageDenoiserConfig& c = m_config;
    const int64_t rows = maskedState.size(0);
    if (maskedState.dim() != 2 || maskedState.size(1) != c.dims() || !context.sizes().equals(maskedState.sizes()))
        throw std::invalid_argument("partial image denoiser: state and context must be [B, " + std::to_string(c.dims()) + "]");
    const bool hasConditions = !c.classCounts.empty() || c.numericalCount > 0;
    if (hasConditions && !conditions) throw std::invalid_argument("partial image denoiser: this model needs the conditions");
    ConditionInput none;
    if (!hasConditions) {
        const auto floats = maskedState.options();
        none.categorical = at::zeros({rows, 0}, floats.dtype(at::kLong));
        none.numerical = at::zeros({rows, 0}, floats);
        none.numericalKnown = at::zeros({rows, 0}, floats);
    }
    const at::Tensor input = at::cat({maskedState.view({rows, c.channels, c.height, c.width}),
                                      context.view({rows, c.channels, c.height, c.width})},
                                     1);
    return m_unet->forward(input, t, hasConditions ? *conditions : none).reshape({rows, c.dims()});
}

}  // namespace ms::partial
