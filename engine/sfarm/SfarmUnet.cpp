#include "sfarm/SfarmUnet.h"

#include <ATen/ATen.h>

#include <stdexcept>
#include <string>

#include "sfarm/DiscretisedLogistic.h"
#include "sfarm/MaskingMode.h"

namespace ms::sfarm {

diffusion::McUnetConfig SfarmUnetConfig::unetConfig() const {
    diffusion::McUnetConfig c;
    c.inChannels = 2;  // x ⊙ z and z in, mean and log scale out
    c.baseChannels = baseChannels;
    c.channelMult = channelMult;
    c.resBlocks = resBlocks;
    c.attentionFromLevel = static_cast<int64_t>(channelMult.size()) - 1;  // only the coarsest level
    c.heads = 4;
    c.classCounts = {kMaskingModeCount};
    c.numericalCount = 0;
    return c;
}

SfarmUnetImpl::SfarmUnetImpl(SfarmUnetConfig config) : m_config(std::move(config)) {
    if (m_config.height < 1 || m_config.width < 1) throw std::invalid_argument("SFARM U-Net: the image size must be positive");
    if (m_config.bins < 2) throw std::invalid_argument("SFARM U-Net: needs at least two grey levels");
    m_unet = register_module("unet", diffusion::McUnet(m_config.unetConfig()));
}

SfarmUnetImpl::Pixels SfarmUnetImpl::forward(const at::Tensor& x, const at::Tensor& active, const at::Tensor& step,
                                             const at::Tensor& mode) const {
    const int64_t B = x.size(0), H = m_config.height, W = m_config.width;
    if (x.dim() != 2 || x.size(1) != H * W || !active.sizes().equals(x.sizes()))
        throw std::invalid_argument("SFARM U-Net: x and active must be [B, " + std::to_string(H * W) + "]");
    const at::Tensor signedPixels = (x * 2.0 - 1.0) * active;  // inactive pixels read as 0 (mid grey)
    const at::Tensor input = at::stack({signedPixels, active}, 1).view({B, 2, H, W});
    ConditionInput modes;
    modes.categorical = mode.view({B, 1}).to(at::kLong);
    modes.numerical = at::zeros({B, 0}, x.options());
    modes.numericalKnown = at::zeros({B, 0}, x.options());
    const at::Tensor out = m_unet.ptr()->forward(input, step, modes).view({B, 2, H * W});
    return {out.select(1, 0), out.select(1, 1).clamp(-7.0, 2.0)};
}

at::Tensor SfarmUnetImpl::elementLogDensity(const at::Tensor& x, const at::Tensor& active, const at::Tensor& step,
                                            const at::Tensor& mode) const {
    const Pixels p = forward(x, active, step, mode);
    return discretisedLogisticLogProb(at::nan_to_num(x) * 2.0 - 1.0, p.mean, p.logScale, m_config.bins);
}

at::Tensor SfarmUnetImpl::elementDraw(const at::Tensor& x, const at::Tensor& active, const at::Tensor& step,
                                      const at::Tensor& mode, bool sample, at::Generator& gen, double) const {
    const Pixels p = forward(x, active, step, mode);
    const at::Tensor v = sample ? discretisedLogisticSample(p.mean, p.logScale, m_config.bins, gen)
                                : discretisedLogisticPoint(p.mean, m_config.bins);
    return (v + 1.0) * 0.5;
}

}  // namespace ms::sfarm
