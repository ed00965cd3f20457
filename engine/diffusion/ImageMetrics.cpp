#include "diffusion/ImageMetrics.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

namespace ms::diffusion {
namespace {

at::Tensor unit(const at::Tensor& x) { return ((x.to(at::kFloat) + 1.0) * 0.5).clamp(0.0, 1.0); }

void checkPair(const at::Tensor& a, const at::Tensor& b) {
    if (a.dim() != 4 || !a.sizes().equals(b.sizes()))
        throw std::invalid_argument("image metrics need two [B, C, H, W] tensors of the same shape");
}

}  // namespace

at::Tensor perImageMse(const at::Tensor& generated, const at::Tensor& truth) {
    checkPair(generated, truth);
    return (unit(generated) - unit(truth)).pow(2).mean({1, 2, 3});
}

at::Tensor perImageSsim(const at::Tensor& generated, const at::Tensor& truth) {
    checkPair(generated, truth);
    const int64_t size = 11;
    const double sigma = 1.5;
    at::Tensor g = at::arange(size, at::kFloat) - (size - 1) / 2.0;
    g = at::exp(-(g * g) / (2.0 * sigma * sigma));
    g = g / g.sum();
    const int64_t c = generated.size(1);
    const at::Tensor window = at::outer(g, g).expand({c, 1, size, size}).contiguous().to(generated.device());
    const auto blur = [&](const at::Tensor& x) { return at::conv2d(x, window, at::Tensor(), at::IntArrayRef{1}, at::IntArrayRef{0}, at::IntArrayRef{1}, c); };
    const at::Tensor x = unit(generated), y = unit(truth);
    if (x.size(2) < size || x.size(3) < size) throw std::invalid_argument("SSIM needs images of at least 11 x 11 pixels");
    const at::Tensor mx = blur(x), my = blur(y);
    const at::Tensor sxx = blur(x * x) - mx * mx, syy = blur(y * y) - my * my, sxy = blur(x * y) - mx * my;
    const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
    const at::Tensor map = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2));
    return map.mean({1, 2, 3});
}

}  // namespace ms::diffusion
