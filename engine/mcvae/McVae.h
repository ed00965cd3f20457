#pragma once
// mcVAE: VAE with masked conditioning (arXiv 2505.16725 §3.3). The encoder q(z|x) is
// unconditioned; the decoder sees z_c = [z; e_y]; the KL term acts on z only. SELU MLPs.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>

#include "core/conditioning/ConditionEmbedding.h"
#include "mcvae/McVaeConfig.h"

namespace ms::mcvae {

struct McVaeOutput {
    at::Tensor reconstruction;  // [B, D]
    at::Tensor mu;              // [B, L]
    at::Tensor logvar;          // [B, L]
};

class McVaeImpl : public torch::nn::Module {
public:
    explicit McVaeImpl(McVaeConfig config);

    std::pair<at::Tensor, at::Tensor> encode(const at::Tensor& x) const;  // mu, logvar
    at::Tensor decode(const at::Tensor& z, const ConditionInput& c) const;
    // Reparameterised pass with the given standard-normal noise (same shape as mu).
    McVaeOutput forward(const at::Tensor& x, const ConditionInput& c, const at::Tensor& eps) const;

    const McVaeConfig& config() const { return m_config; }
    // Layers in order; the last of each is the linear head (no activation after it).
    const std::vector<torch::nn::Linear>& encoderLayers() const { return m_encoder; }
    const std::vector<torch::nn::Linear>& decoderLayers() const { return m_decoder; }
    // Whether SELU follows layer i.
    const std::vector<bool>& encoderActivations() const { return m_encoderActivation; }
    const std::vector<bool>& decoderActivations() const { return m_decoderActivation; }
    const ConditionEmbedding& conditionEmbedding() const { return m_conditions; }

private:
    static at::Tensor runMlp(const std::vector<torch::nn::Linear>& layers, const std::vector<bool>& activation,
                             at::Tensor h);
    std::vector<bool> m_encoderActivation, m_decoderActivation;
    McVaeConfig m_config;
    std::vector<torch::nn::Linear> m_encoder;
    std::vector<torch::nn::Linear> m_decoder;
    ConditionEmbedding m_conditions{nullptr};
};
TORCH_MODULE(McVae);

// A model whose weights depend on `seed` only, even with other threads building models at once.
McVae seededModel(const McVaeConfig& config, uint64_t seed);

}  // namespace ms::mcvae
