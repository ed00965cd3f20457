#pragma once
// The first stage of a latent diffusion model: images <-> latents. Images are [B, C, H, W]
// floats in [-1, 1]; latents are [B, latentChannels, H / factor, W / factor]. Two kinds:
// the project's own KL autoencoder (KlAutoencoder.h) and a user-supplied TorchScript pair
// (TorchScriptFirstStage.h).
#include <ATen/core/Tensor.h>

#include <string>

namespace ms::diffusion {

class FirstStage {
public:
    virtual ~FirstStage() = default;
    virtual at::Tensor encode(const at::Tensor& images) = 0;   // the latent mean, no sampling
    virtual at::Tensor decode(const at::Tensor& latents) = 0;
    virtual int64_t factor() const = 0;
    virtual int64_t latentChannels() const = 0;
    virtual int64_t imageChannels() const = 0;
    virtual std::string describe() const = 0;
    virtual void toDevice(const at::Device& device) = 0;
};

}  // namespace ms::diffusion
