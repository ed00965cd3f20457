#pragma once
// The SFARM network for tabular and keypoint vectors (seed 002 §3, METHODS.md §2):
// f(x ⊙ z, z, i, m) -> a Gaussian per element, as an MLP with step and masking-mode embeddings.
#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>

#include <vector>

namespace ms {

struct SfarmMlpConfig {
    int64_t elements = 0;   // S
    int64_t hidden = 256;
    int64_t layers = 3;     // hidden layers
    int64_t embedding = 32; // step and mode embedding widths
};

struct ElementGaussians {
    at::Tensor mean;    // [B, S]
    at::Tensor logStd;  // [B, S], clamped to [-7, 5]
};

class SfarmMlpImpl : public torch::nn::Module {
public:
    explicit SfarmMlpImpl(SfarmMlpConfig config);
    // x: [B, S] (values of inactive elements are ignored), active: [B, S] {0, 1} float,
    // step: [B] long in 1..S (the step being generated), mode: [B] long in 0..6.
    ElementGaussians forward(const at::Tensor& x, const at::Tensor& active, const at::Tensor& step,
                             const at::Tensor& mode) const;
    const SfarmMlpConfig& config() const { return m_config; }

private:
    SfarmMlpConfig m_config;
    torch::nn::Embedding m_step{nullptr}, m_mode{nullptr};
    std::vector<torch::nn::Linear> m_layers;
};
TORCH_MODULE(SfarmMlp);

}  // namespace ms
