#include "diffusion/MaskAttention.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

#include "diffusion/MaskEncoder.h"

namespace ms::diffusion {

at::Tensor tokenAttentionMap(const std::vector<at::Tensor>& maps, int64_t token) {
    if (maps.empty()) throw std::invalid_argument("no attention maps: the U-Net has no cross-attention");
    int64_t finest = 0;
    for (const at::Tensor& m : maps) finest = std::max(finest, m.size(1));
    at::Tensor sum;
    int64_t layers = 0;
    for (const at::Tensor& m : maps) {
        if (m.size(1) != finest) continue;
        const at::Tensor a = m.select(2, token);
        sum = sum.defined() ? sum + a : a;
        ++layers;
    }
    const auto side = static_cast<int64_t>(std::lround(std::sqrt(static_cast<double>(finest))));
    const at::Tensor mean = sum / static_cast<double>(layers);
    return (mean / mean.amax(1, true).clamp_min(1e-8)).view({-1, 1, side, side});
}

at::Tensor maskAttentionLoss(const at::Tensor& attention, const at::Tensor& targetMasks, const at::Tensor& batchMasks) {
    const at::Tensor target = maskCoverage(targetMasks.to(attention.device()), attention.size(2));
    const auto presentRows = [&](const at::Tensor& masks) { return (masks.flatten(1).amax(1) > 0.5).to(attention.device(), at::kFloat); };
    const at::Tensor present = presentRows(targetMasks);  // [B]
    const at::Tensor perRow = (attention - target).pow(2).flatten(1).mean(1);
    if (!batchMasks.defined()) return (perRow * present).sum() / present.sum().clamp_min(1.0);
    const double share = static_cast<double>(targetMasks.size(0)) / static_cast<double>(batchMasks.size(0));
    return (perRow * present).sum() / (presentRows(batchMasks).sum().clamp_min(1.0) * share);
}

}  // namespace ms::diffusion
