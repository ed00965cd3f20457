#pragma once
// The SFARM network for grey-level images (seed 002 Table 4, Fashion-MNIST): the project's
// diffusion U-Net (diffusion/McUnet) reading two channels, the active pixels x ⊙ z in [-1, 1] and
// the activation mask z, with the SFARM step i as its timestep and the masking mode as its one
// (always known) categorical condition; it writes two channels, the mean and log scale of a
// discretised logistic per pixel. Element values are grey levels in [0, 1] (k / (bins - 1)).
#include <torch/nn/module.h>

#include <vector>

#include "diffusion/McUnet.h"
#include "sfarm/SfarmNetwork.h"

namespace ms::sfarm {

struct SfarmUnetConfig {
    int64_t height = 28;
    int64_t width = 28;
    int64_t baseChannels = 32;                 // paper: 32
    std::vector<int64_t> channelMult{1, 2, 2}; // 28 -> 14 -> 7
    int64_t resBlocks = 2;                     // per level and direction
    int64_t bins = 256;                        // grey levels

    int64_t elements() const { return height * width; }
    diffusion::McUnetConfig unetConfig() const;
};

class SfarmUnetImpl : public torch::nn::Module, public SfarmNetwork {
public:
    explicit SfarmUnetImpl(SfarmUnetConfig config);
    const SfarmUnetConfig& config() const { return m_config; }

    struct Pixels {
        at::Tensor mean;      // [B, S] in the [-1, 1] scale
        at::Tensor logScale;  // [B, S], clamped to [-7, 2]
    };
    Pixels forward(const at::Tensor& x, const at::Tensor& active, const at::Tensor& step, const at::Tensor& mode) const;

    // SfarmNetwork
    int64_t elementCount() const override { return m_config.elements(); }
    at::Tensor elementLogDensity(const at::Tensor& x, const at::Tensor& active, const at::Tensor& step,
                                 const at::Tensor& mode) const override;
    at::Tensor elementDraw(const at::Tensor& x, const at::Tensor& active, const at::Tensor& step, const at::Tensor& mode,
                           bool sample, at::Generator& gen, double truncation) const override;
    bool continuousElement(int64_t) const override { return true; }
    std::vector<at::Tensor> trainableParameters() override { return parameters(); }
    void setTraining(bool on) override { train(on); }

private:
    SfarmUnetConfig m_config;
    diffusion::McUnet m_unet{nullptr};
};
TORCH_MODULE(SfarmUnet);

}  // namespace ms::sfarm
