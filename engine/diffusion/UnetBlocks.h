#pragma once
// Building blocks of the diffusion U-Net and the first-stage autoencoder: a residual block with
// an optional timestep projection, multi-head self-attention over the pixels, and the
// sinusoidal timestep embedding. GroupNorm everywhere (batch-size independent).
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

namespace ms::diffusion {

constexpr int64_t kUnetGroups = 8;  // every channel count in the nets is a multiple of 8

class ResBlockImpl : public torch::nn::Module {
public:
    // timeDim 0: no timestep input (autoencoder).
    ResBlockImpl(int64_t inChannels, int64_t outChannels, int64_t timeDim);
    at::Tensor forward(const at::Tensor& x, const at::Tensor& timeEmbedding = {});

private:
    torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, skip{nullptr};
    torch::nn::Linear time{nullptr};
};
TORCH_MODULE(ResBlock);

class SelfAttentionImpl : public torch::nn::Module {
public:
    SelfAttentionImpl(int64_t channels, int64_t heads);
    at::Tensor forward(const at::Tensor& x);

private:
    int64_t m_heads;
    torch::nn::GroupNorm norm{nullptr};
    torch::nn::Conv2d qkv{nullptr}, proj{nullptr};
};
TORCH_MODULE(SelfAttention);

// [B] step indices (any dtype) -> [B, dim] sin/cos features (dim even).
at::Tensor timestepFeatures(const at::Tensor& t, int64_t dim);

}  // namespace ms::diffusion
