#pragma once
// A user-supplied first stage: two TorchScript files (torch.jit.save) with these signatures
//   encoder: forward(images: Tensor[B, C, H, W], float32 in [-1, 1]) -> Tensor[B, Z, H/f, W/f]
//   decoder: forward(latents: Tensor[B, Z, H/f, W/f]) -> Tensor[B, C, H, W] in [-1, 1]
// The encoder returns the latent itself (a mean, not a distribution). f and Z are found by
// probing with a blank image of the project's size; a pair that does not round-trip that
// shape is rejected with a message naming the file.
#include <memory>
#include <string>

#include "diffusion/FirstStage.h"

namespace ms::diffusion {

class TorchScriptFirstStage : public FirstStage {
public:
    // Throws std::runtime_error naming the file when a file is missing, not TorchScript, or
    // does not follow the signature for images of imageChannels x imageSize x imageSize.
    TorchScriptFirstStage(const std::string& encoderPath, const std::string& decoderPath, int64_t imageChannels,
                          int64_t imageSize);
    ~TorchScriptFirstStage() override;
    at::Tensor encode(const at::Tensor& images) override;
    at::Tensor decode(const at::Tensor& latents) override;
    int64_t factor() const override { return m_factor; }
    int64_t latentChannels() const override { return m_latentChannels; }
    int64_t imageChannels() const override { return m_imageChannels; }
    std::string describe() const override;
    void toDevice(const at::Device& device) override;
    const std::string& encoderPath() const { return m_encoderPath; }
    const std::string& decoderPath() const { return m_decoderPath; }

private:
    struct Modules;
    std::unique_ptr<Modules> m_modules;
    std::string m_encoderPath, m_decoderPath;
    int64_t m_imageChannels = 1, m_factor = 1, m_latentChannels = 1;
};

}  // namespace ms::diffusion
