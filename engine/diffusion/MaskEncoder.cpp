#include "diffusion/MaskEncoder.h"

#include <ATen/ATen.h>

#include <stdexcept>

namespace ms::diffusion {

MaskEncoderImpl::MaskEncoderImpl(int64_t grid, int64_t tokenDim) : m_grid(grid) {
    if (grid < 1) throw std::invalid_argument("mask encoder: the grid must be at least 1 x 1");
    projection = register_module("projection", torch::nn::Linear(grid * grid, tokenDim));
}

at::Tensor MaskEncoderImpl::forward(const at::Tensor& masks) {
    // centred at 0 so an all-background grid and an all-foreground one are far apart
    return projection(maskCoverage(masks, m_grid).flatten(1) * 2.0 - 1.0);
}

at::Tensor maskCoverage(const at::Tensor& masks, int64_t size) {
    return at::adaptive_avg_pool2d(masks.to(at::kFloat), {size, size});
}

}  // namespace ms::diffusion
