#pragma once
// A small KL-regularised convolutional autoencoder (the role of the Stable Diffusion VAE in the
// paper, trained here from scratch): factor 4 (two stride-2 convolutions) or 8 (three), a
// Gaussian latent with mean and log-variance, ResBlocks between the resolution changes.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>

#include "core/training/BatchShard.h"
#include "diffusion/FirstStage.h"

namespace ms::diffusion {

struct KlAutoencoderConfig {
    int64_t imageChannels = 1;
    int64_t latentChannels = 4;
    int64_t hiddenChannels = 32;  // doubled after each downsampling
    int64_t factor = 4;           // 4 or 8
    std::string validate() const;  // empty when valid
};

struct AutoencoderOutput {
    at::Tensor reconstruction;
    at::Tensor mean;
    at::Tensor logVariance;
};

class KlAutoencoderImpl : public torch::nn::Module {
public:
    explicit KlAutoencoderImpl(KlAutoencoderConfig config);
    std::pair<at::Tensor, at::Tensor> encodeDistribution(const at::Tensor& images);  // mean, log-variance
    at::Tensor decode(const at::Tensor& latents);
    // Training pass: z = mean + sigma * noise (noise from `generator`, drawn for the global batch
    // of a data-parallel step when `shard` says so), decoded.
    AutoencoderOutput forward(const at::Tensor& images, at::Generator& generator, const BatchShard& shard = {});
    const KlAutoencoderConfig& config() const { return m_config; }

private:
    KlAutoencoderConfig m_config;
    torch::nn::Conv2d encIn{nullptr}, encOut{nullptr}, decIn{nullptr}, decOut{nullptr};
    torch::nn::ModuleList encoder, decoder;
    torch::nn::GroupNorm encNorm{nullptr}, decNorm{nullptr};
};
TORCH_MODULE(KlAutoencoder);

// Per-pixel mean L1 reconstruction + klWeight * KL(q(z|x) || N(0, I)) per latent element.
at::Tensor autoencoderLoss(const AutoencoderOutput& out, const at::Tensor& images, double klWeight);

// The FirstStage view of a trained KlAutoencoder (eval mode, no gradients).
class KlFirstStage : public FirstStage {
public:
    explicit KlFirstStage(KlAutoencoder model);
    at::Tensor encode(const at::Tensor& images) override;
    at::Tensor decode(const at::Tensor& latents) override;
    int64_t factor() const override { return m_model->config().factor; }
    int64_t latentChannels() const override { return m_model->config().latentChannels; }
    int64_t imageChannels() const override { return m_model->config().imageChannels; }
    std::string describe() const override;
    void toDevice(const at::Device& device) override { m_model->to(device); }
    KlAutoencoder& model() { return m_model; }

private:
    KlAutoencoder m_model;
};

}  // namespace ms::diffusion
