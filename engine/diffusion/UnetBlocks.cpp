#include "diffusion/UnetBlocks.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace ms::diffusion {
namespace {

torch::nn::GroupNorm groupNorm(int64_t channels) {
    if (channels % kUnetGroups != 0)
        throw std::invalid_argument("U-Net: channel count " + std::to_string(channels) + " is not a multiple of " +
                                    std::to_string(kUnetGroups));
    return torch::nn::GroupNorm(torch::nn::GroupNormOptions(kUnetGroups, channels));
}

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(kernel / 2));
}

}  // namespace

ResBlockImpl::ResBlockImpl(int64_t inChannels, int64_t outChannels, int64_t timeDim) {
    norm1 = register_module("norm1", groupNorm(inChannels));
    conv1 = register_module("conv1", conv(inChannels, outChannels, 3));
    norm2 = register_module("norm2", groupNorm(outChannels));
    conv2 = register_module("conv2", conv(outChannels, outChannels, 3));
    if (timeDim > 0) time = register_module("time", torch::nn::Linear(timeDim, outChannels));
    if (inChannels != outChannels) skip = register_module("skip", conv(inChannels, outChannels, 1));
}

at::Tensor ResBlockImpl::forward(const at::Tensor& x, const at::Tensor& timeEmbedding) {
    at::Tensor h = conv1(at::silu(norm1(x)));
    if (time && timeEmbedding.defined()) h = h + time(at::silu(timeEmbedding)).unsqueeze(-1).unsqueeze(-1);
    h = conv2(at::silu(norm2(h)));
    return (skip ? skip(x) : x) + h;
}

SelfAttentionImpl::SelfAttentionImpl(int64_t channels, int64_t heads) : m_heads(heads) {
    if (heads < 1 || channels % heads != 0)
        throw std::invalid_argument("attention: " + std::to_string(channels) + " channels do not split into " +
                                    std::to_string(heads) + " heads");
    norm = register_module("norm", groupNorm(channels));
    qkv = register_module("qkv", conv(channels, 3 * channels, 1));
    proj = register_module("proj", conv(channels, channels, 1));
}

at::Tensor SelfAttentionImpl::forward(const at::Tensor& x) {
    const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    const int64_t d = c / m_heads;
    const auto parts = qkv(norm(x)).reshape({b, 3, m_heads, d, h * w}).unbind(1);
    const at::Tensor q = parts[0], k = parts[1], v = parts[2];                    // [B, heads, d, N]
    const at::Tensor attn = at::softmax(at::matmul(q.transpose(-1, -2), k) / std::sqrt(double(d)), -1);  // [B, h, N, N]
    const at::Tensor out = at::matmul(v, attn.transpose(-1, -2)).reshape({b, c, h, w});
    return x + proj(out);
}

at::Tensor timestepFeatures(const at::Tensor& t, int64_t dim) {
    const int64_t half = dim / 2;
    const at::Tensor freqs =
        at::exp(at::arange(half, t.options().dtype(at::kFloat)) * (-std::log(10000.0) / static_cast<double>(half)));
    const at::Tensor args = t.to(at::kFloat).unsqueeze(1) * freqs.unsqueeze(0);
    return at::cat({at::sin(args), at::cos(args)}, 1);
}

}  // namespace ms::diffusion
