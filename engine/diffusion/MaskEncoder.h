#pragma once
// The MCGM mask encoder (METHODS.md §4): a binary target mask of the image's size is area-
// downsampled to a grid x grid map and projected by one linear layer to the mask token that sits
// beside the condition tokens in the U-Net's cross-attention. Trained with the U-Net (the public
// MCGM code leaves it out of the optimiser; here it is part of the U-Net's parameters).
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>

namespace ms::diffusion {

class MaskEncoderImpl : public torch::nn::Module {
public:
    MaskEncoderImpl(int64_t grid, int64_t tokenDim);

    // masks [B, 1, H, W] in [0, 1] (H, W multiples of grid, or any size: adaptive pooling) -> [B, tokenDim].
    at::Tensor forward(const at::Tensor& masks);
    int64_t grid() const { return m_grid; }

private:
    int64_t m_grid;
    torch::nn::Linear projection{nullptr};
};
TORCH_MODULE(MaskEncoder);

// The fraction of each cell of a size x size grid covered by the mask: [B, 1, H, W] -> [B, 1, size, size].
at::Tensor maskCoverage(const at::Tensor& masks, int64_t size);

}  // namespace ms::diffusion
