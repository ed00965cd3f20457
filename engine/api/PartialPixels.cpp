#include "api/PartialPixels.h"

#include <ATen/ATen.h>

#include <limits>
#include <stdexcept>
#include <string>

namespace ms::api {

PartialPixels partialPixels(const std::vector<uint8_t>& pixels, const std::vector<uint8_t>& observed, int64_t n,
                            int64_t c, int64_t s) {
    if (n < 1 || static_cast<int64_t>(pixels.size()) != n * c * s * s || static_cast<int64_t>(observed.size()) != n * s * s)
        throw std::invalid_argument("partial images: " + std::to_string(n) + " image(s) of " + std::to_string(c) + " x " +
                                    std::to_string(s) + " x " + std::to_string(s) + " need as many pixels and mask entries");
    const at::Tensor raw = at::from_blob(const_cast<uint8_t*>(pixels.data()), {n, c * s * s}, at::kByte).to(at::kFloat);
    const at::Tensor seen = at::from_blob(const_cast<uint8_t*>(observed.data()), {n, 1, s * s}, at::kByte)
                                .to(at::kFloat)
                                .expand({n, c, s * s})
                                .reshape({n, c * s * s});
    PartialPixels p;
    p.observed = (seen > 0.5).to(at::kFloat);
    p.u = at::where(p.observed > 0.5, raw / 127.5 - 1.0, at::full_like(raw, std::numeric_limits<float>::quiet_NaN()));
    return p;
}

std::vector<uint8_t> completedPixels(const std::vector<uint8_t>& pixels, const PartialPixels& px, const at::Tensor& u) {
    const at::Tensor raw = at::from_blob(const_cast<uint8_t*>(pixels.data()), px.u.sizes(), at::kByte);
    const at::Tensor generated = ((u.cpu() + 1.0) * 127.5).round().clamp(0, 255).to(at::kByte);
    const at::Tensor filled = at::where(px.observed > 0.5, raw, generated).contiguous();
    return std::vector<uint8_t>(filled.data_ptr<uint8_t>(), filled.data_ptr<uint8_t>() + filled.numel());
}

}  // namespace ms::api
