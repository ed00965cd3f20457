#include "diffusion/CrossAttention.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "diffusion/UnetBlocks.h"

namespace ms::diffusion {

CrossAttentionImpl::CrossAttentionImpl(int64_t channels, int64_t tokenDim, int64_t heads) : m_heads(heads) {
    if (heads < 1 || channels % heads != 0)
        throw std::invalid_argument("cross-attention: " + std::to_string(channels) + " channels do not split into " +
                                    std::to_string(heads) + " heads");
    norm = register_module("norm", torch::nn::GroupNorm(torch::nn::GroupNormOptions(kUnetGroups, channels)));
    query = register_module("query", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 1)));
    key = register_module("key", torch::nn::Linear(torch::nn::LinearOptions(tokenDim, channels).bias(false)));
    value = register_module("value", torch::nn::Linear(torch::nn::LinearOptions(tokenDim, channels).bias(false)));
    proj = register_module("proj", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 1)));
}

at::Tensor CrossAttentionImpl::forward(const at::Tensor& x, const at::Tensor& tokens, const at::Tensor& attendable, at::Tensor* map) {
    const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), n = tokens.size(1);
    const int64_t d = c / m_heads;
    const at::Tensor q = query(norm(x)).reshape({b, m_heads, d, h * w}).transpose(-1, -2);    // [B, heads, N, d]
    const at::Tensor k = key(tokens).reshape({b, n, m_heads, d}).permute({0, 2, 3, 1});        // [B, heads, d, T]
    const at::Tensor v = value(tokens).reshape({b, n, m_heads, d}).permute({0, 2, 1, 3});      // [B, heads, T, d]
    at::Tensor logits = at::matmul(q, k) / std::sqrt(double(d));                               // [B, heads, N, T]
    if (attendable.defined()) logits = logits.masked_fill(attendable.logical_not().view({b, 1, 1, n}), -1e9);
    const at::Tensor attn = at::softmax(logits, -1);
    if (map) *map = attn.mean(1);
    const at::Tensor out = at::matmul(attn, v).transpose(-1, -2).reshape({b, c, h, w});
    return x + proj(out);
}

}  // namespace ms::diffusion
