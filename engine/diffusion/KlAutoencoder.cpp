#include "diffusion/KlAutoencoder.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <stdexcept>

#include "diffusion/NoiseSchedule.h"
#include "diffusion/UnetBlocks.h"

namespace ms::diffusion {
namespace {

int64_t downsamplings(int64_t factor) { return factor == 8 ? 3 : 2; }

torch::nn::Conv2d conv3(int64_t in, int64_t out, int64_t stride = 1) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1));
}

}  // namespace

std::string KlAutoencoderConfig::validate() const {
    if (imageChannels < 1 || imageChannels > 4) return "image_channels must be 1..4";
    if (latentChannels < 1) return "latent_channels must be at least 1";
    if (hiddenChannels < kUnetGroups || hiddenChannels % kUnetGroups != 0)
        return "hidden_channels must be a positive multiple of " + std::to_string(kUnetGroups);
    if (factor != 4 && factor != 8) return "factor must be 4 or 8";
    return {};
}

KlAutoencoderImpl::KlAutoencoderImpl(KlAutoencoderConfig config) : m_config(config) {
    if (const std::string problem = m_config.validate(); !problem.empty())
        throw std::invalid_argument("autoencoder configuration: " + problem);
    const int64_t n = downsamplings(config.factor);
    int64_t ch = config.hiddenChannels;
    encIn = register_module("enc_in", conv3(config.imageChannels, ch));
    for (int64_t i = 0; i < n; ++i) {
        encoder->push_back(ResBlock(ch, ch, 0));
        encoder->push_back(conv3(ch, ch * 2, 2));
        ch *= 2;
    }
    encoder->push_back(ResBlock(ch, ch, 0));
    encNorm = register_module("enc_norm", torch::nn::GroupNorm(torch::nn::GroupNormOptions(kUnetGroups, ch)));
    encOut = register_module("enc_out", torch::nn::Conv2d(torch::nn::Conv2dOptions(ch, 2 * config.latentChannels, 1)));

    decIn = register_module("dec_in", conv3(config.latentChannels, ch));
    decoder->push_back(ResBlock(ch, ch, 0));
    for (int64_t i = 0; i < n; ++i) {
        decoder->push_back(conv3(ch, ch / 2));  // applied after a nearest 2x upsampling
        ch /= 2;
        decoder->push_back(ResBlock(ch, ch, 0));
    }
    decNorm = register_module("dec_norm", torch::nn::GroupNorm(torch::nn::GroupNormOptions(kUnetGroups, ch)));
    decOut = register_module("dec_out", conv3(ch, config.imageChannels));
    register_module("encoder", encoder);
    register_module("decoder", decoder);
}

std::pair<at::Tensor, at::Tensor> KlAutoencoderImpl::encodeDistribution(const at::Tensor& images) {
    const int64_t f = m_config.factor;
    if (images.dim() != 4 || images.size(1) != m_config.imageChannels || images.size(2) % f != 0 ||
        images.size(3) % f != 0)
        throw std::invalid_argument("autoencoder input must be [B, " + std::to_string(m_config.imageChannels) +
                                    ", H, W] with H and W divisible by " + std::to_string(f));
    at::Tensor h = encIn(images);
    for (const auto& m : *encoder) {
        if (auto* r = m->as<ResBlockImpl>()) h = r->forward(h);
        else h = m->as<torch::nn::Conv2dImpl>()->forward(h);
    }
    const auto parts = encOut(at::silu(encNorm(h))).chunk(2, 1);
    return {parts[0], parts[1].clamp(-30.0, 20.0)};
}

at::Tensor KlAutoencoderImpl::decode(const at::Tensor& latents) {
    at::Tensor h = decIn(latents);
    for (const auto& m : *decoder) {
        if (auto* r = m->as<ResBlockImpl>()) {
            h = r->forward(h);
        } else {
            h = at::upsample_nearest2d(h, {h.size(2) * 2, h.size(3) * 2});
            h = m->as<torch::nn::Conv2dImpl>()->forward(h);
        }
    }
    return decOut(at::silu(decNorm(h)));
}

AutoencoderOutput KlAutoencoderImpl::forward(const at::Tensor& images, at::Generator& generator, const BatchShard& shard) {
    auto [mean, logVar] = encodeDistribution(images);
    const at::Tensor noise = gaussianNoiseLike(mean, generator, shard);
    const at::Tensor z = mean + at::exp(0.5 * logVar) * noise;
    return {decode(z), mean, logVar};
}

at::Tensor autoencoderLoss(const AutoencoderOutput& out, const at::Tensor& images, double klWeight) {
    const at::Tensor recon = (out.reconstruction - images).abs().mean();
    const at::Tensor kl = 0.5 * (out.mean.pow(2) + out.logVariance.exp() - 1.0 - out.logVariance).mean();
    return recon + klWeight * kl;
}

KlFirstStage::KlFirstStage(KlAutoencoder model) : m_model(std::move(model)) { m_model->eval(); }

at::Tensor KlFirstStage::encode(const at::Tensor& images) {
    torch::NoGradGuard noGrad;
    return m_model->encodeDistribution(images).first;
}

at::Tensor KlFirstStage::decode(const at::Tensor& latents) {
    torch::NoGradGuard noGrad;
    return m_model->decode(latents);
}

std::string KlFirstStage::describe() const {
    const auto& c = m_model->config();
    return "KL autoencoder, factor " + std::to_string(c.factor) + ", " + std::to_string(c.latentChannels) +
           " latent channels";
}

}  // namespace ms::diffusion
