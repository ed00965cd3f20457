#pragma once
// Cross-attention of the U-Net's pixels to a set of tokens (MCGM, METHODS.md §4): queries from
// the group-normalised features (one per pixel), keys and values from the tokens (conditions,
// null, concepts, the target mask), multi-head, added back to the features. The attention map
// (mean over heads) is returned on request: the mask attention loss and the studio's overlay use it.
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

namespace ms::diffusion {

class CrossAttentionImpl : public torch::nn::Module {
public:
    CrossAttentionImpl(int64_t channels, int64_t tokenDim, int64_t heads);

    // x [B, C, H, W], tokens [B, T, tokenDim]; attendable [B, T] bool (undefined: all): tokens a
    // row leaves out get no attention at all. When `map` is given it receives the attention of
    // every pixel to every token, [B, H * W, T], averaged over the heads (rows sum to 1).
    at::Tensor forward(const at::Tensor& x, const at::Tensor& tokens, const at::Tensor& attendable = {}, at::Tensor* map = nullptr);

private:
    int64_t m_heads;
    torch::nn::GroupNorm norm{nullptr};
    torch::nn::Conv2d query{nullptr}, proj{nullptr};
    torch::nn::Linear key{nullptr}, value{nullptr};
};
TORCH_MODULE(CrossAttention);

}  // namespace ms::diffusion
