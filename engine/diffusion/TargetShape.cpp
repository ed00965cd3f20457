#include "diffusion/TargetShape.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "diffusion/MaskEncoder.h"

namespace ms::diffusion {

at::Tensor silhouetteMasks(const at::Tensor& images, int64_t grid) {
    const int64_t size = images.size(2);
    const at::Tensor ink = (images.to(at::kFloat).mean(1, true) < 0.8).to(at::kFloat);  // below ~90 % white
    const int64_t radius = std::max<int64_t>(1, size / 32);
    const at::Tensor dilated = at::max_pool2d(ink, {2 * radius + 1, 2 * radius + 1}, {1, 1}, {radius, radius});
    const at::Tensor coarse = (maskCoverage(dilated, grid) > 0.2).to(at::kFloat);
    return at::upsample_nearest2d(coarse, {size, images.size(3)});
}

at::Tensor maskIoU(const at::Tensor& a, const at::Tensor& b) {
    const at::Tensor x = (a > 0.5).flatten(1), y = (b > 0.5).flatten(1);
    const at::Tensor inter = (x & y).sum(1).to(at::kDouble), uni = (x | y).sum(1).to(at::kDouble);
    return at::where(uni > 0, inter / uni.clamp_min(1.0), at::ones_like(inter));
}

}  // namespace ms::diffusion
