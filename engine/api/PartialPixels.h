#pragma once
// Internal to engine/api: 8-bit images with observation masks as the partial-observation
// denoiser sees them, and back. Values in [-1, 1], NaN where hidden; every channel of a pixel
// shares its mask.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace ms::api {

struct PartialPixels {
    at::Tensor u;         // [N, C*S*S] in [-1, 1], NaN where hidden
    at::Tensor observed;  // [N, C*S*S] float 0/1
};

// pixels: N x C x S x S; observed: N x S x S (nonzero = observed). Throws std::invalid_argument
// when the sizes do not match.
PartialPixels partialPixels(const std::vector<uint8_t>& pixels, const std::vector<uint8_t>& observed, int64_t count,
                            int64_t channels, int64_t size);

// The completed values u ([N, C*S*S], any device) as 8-bit pixels; observed pixels exactly as in `pixels`.
std::vector<uint8_t> completedPixels(const std::vector<uint8_t>& pixels, const PartialPixels& px, const at::Tensor& u);

}  // namespace ms::api
