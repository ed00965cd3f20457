#pragma once
// MIWAE (Mattei & Frellsen 2019), the imputation baseline of the SFARM paper: a VAE whose
// encoder sees the zero-imputed observed values and whose bound is an importance-weighted
// log-likelihood of the observed values only, with K importance samples. With K = 1 and
// complete training data it is the plain VAE baseline.
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>

#include <cstdint>
#include <vector>

namespace ms::baselines {

struct MiwaeConfig {
    int64_t features = 0;
    int64_t latent = 0;    // 0: features - 1 (at least 1), as MIWAE's UCI experiments
    int64_t hidden = 128;
    // Per feature: repeated values as atoms of the decoder's distribution, as SfarmMlpConfig::atoms
    // (fixed narrow components, sd e^-5, beside the Gaussian; learned weights). Empty = none.
    std::vector<std::vector<double>> atoms{};
};

class MiwaeImpl : public torch::nn::Module {
public:
    explicit MiwaeImpl(MiwaeConfig config);

    // Per row, the K-sample importance-weighted bound on log p(x_observed). [B]
    at::Tensor bound(const at::Tensor& x, const at::Tensor& observed, int64_t samples, at::Generator& gen) const;
    // Per row, log p(x_target | x_observed) by self-normalised importance sampling with the
    // encoder as proposal. [B] double.
    // priorProposal: draw z from the prior instead (for the VAE trained on complete data, whose
    // encoder never saw a zero-imputed row and is no usable proposal for one).
    at::Tensor conditionalLogLikelihood(const at::Tensor& x, const at::Tensor& observed, const at::Tensor& target,
                                        int64_t samples, at::Generator& gen, bool priorProposal = false) const;
    // Point imputation: the importance-weighted mean of the decoder means. [B, D]
    at::Tensor impute(const at::Tensor& x, const at::Tensor& observed, int64_t samples, at::Generator& gen,
                      bool priorProposal = false) const;

    // Draws from p(x | x_observed) by sampling-importance-resampling: K proposals, `draws`
    // resampled by weight, then x from the chosen decoder Gaussians (observed values kept).
    // [draws, B, D].
    at::Tensor conditionalSamples(const at::Tensor& x, const at::Tensor& observed, int64_t K, int64_t draws,
                                  at::Generator& gen) const;

    const MiwaeConfig& config() const { return m_config; }

private:
    struct Draw {
        at::Tensor logWeight;  // [K, B]: log p(x_o | z) + log p(z) - log q(z | x_o)
        at::Tensor mean;       // [K, B, D]: decoder Gaussians for every feature
        at::Tensor logStd;     // [K, B, D]
        // With atoms: [K, B, D, 1 + A] components (the Gaussian, then the atoms); else undefined.
        at::Tensor componentMean, componentLogStd, componentLogWeight;
        at::Tensor featureLogDensity(const at::Tensor& x) const;  // log p(x_d | z), [K, B, D]
        at::Tensor featureMean() const;                           // E[x_d | z], [K, B, D]
    };
    Draw draw(const at::Tensor& x, const at::Tensor& observed, int64_t samples, at::Generator& gen,
              bool priorProposal = false) const;
    static at::Tensor mlp(const std::vector<torch::nn::Linear>& layers, at::Tensor h);

    MiwaeConfig m_config;
    std::vector<torch::nn::Linear> m_encoder, m_decoder;
    at::Tensor m_atomValue, m_atomLogitMask;  // [D, A] (sfarm/RepeatedValues::atomTensors)
};
TORCH_MODULE(Miwae);

}  // namespace ms::baselines
