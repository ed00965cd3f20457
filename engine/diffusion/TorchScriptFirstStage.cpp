#include "diffusion/TorchScriptFirstStage.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/script.h>

#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace ms::diffusion {
namespace {

torch::jit::Module loadScript(const std::string& path, const char* role) {
    if (!std::filesystem::exists(path)) throw std::runtime_error(path + ": " + role + " file not found");
    try {
        torch::jit::Module m = torch::jit::load(path, at::kCPU);
        m.eval();
        return m;
    } catch (const c10::Error& e) {
        throw std::runtime_error(path + ": not a TorchScript " + role + " (" + e.what_without_backtrace() + ")");
    }
}

at::Tensor call(torch::jit::Module& m, const at::Tensor& x, const std::string& path) {
    try {
        const c10::IValue out = m.forward({x});
        if (!out.isTensor()) throw std::runtime_error(path + ": forward() must return one Tensor");
        return out.toTensor();
    } catch (const c10::Error& e) {
        throw std::runtime_error(path + ": forward() failed (" + e.what_without_backtrace() + ")");
    }
}

std::string shape(const at::Tensor& t) {
    std::ostringstream s;
    s << t.sizes();
    return s.str();
}

}  // namespace

struct TorchScriptFirstStage::Modules {
    torch::jit::Module encoder;
    torch::jit::Module decoder;
};

TorchScriptFirstStage::TorchScriptFirstStage(const std::string& encoderPath, const std::string& decoderPath,
                                             int64_t imageChannels, int64_t imageSize)
    : m_modules(std::make_unique<Modules>()), m_encoderPath(encoderPath), m_decoderPath(decoderPath),
      m_imageChannels(imageChannels) {
    m_modules->encoder = loadScript(encoderPath, "encoder");
    m_modules->decoder = loadScript(decoderPath, "decoder");
    torch::NoGradGuard noGrad;
    const at::Tensor probe = at::zeros({1, imageChannels, imageSize, imageSize});
    const at::Tensor z = call(m_modules->encoder, probe, encoderPath);
    if (z.dim() != 4 || z.size(0) != 1 || z.size(2) < 1 || imageSize % z.size(2) != 0 || z.size(2) != z.size(3))
        throw std::runtime_error(encoderPath + ": for an image of shape " + shape(probe) +
                                 " the encoder returned " + shape(z) + "; expected [1, Z, H/f, W/f]");
    m_factor = imageSize / z.size(2);
    m_latentChannels = z.size(1);
    const at::Tensor back = call(m_modules->decoder, z, decoderPath);
    if (!back.sizes().equals(probe.sizes()))
        throw std::runtime_error(decoderPath + ": for latents of shape " + shape(z) + " the decoder returned " +
                                 shape(back) + "; expected " + shape(probe));
}

TorchScriptFirstStage::~TorchScriptFirstStage() = default;

at::Tensor TorchScriptFirstStage::encode(const at::Tensor& images) {
    torch::NoGradGuard noGrad;
    return call(m_modules->encoder, images, m_encoderPath);
}

at::Tensor TorchScriptFirstStage::decode(const at::Tensor& latents) {
    torch::NoGradGuard noGrad;
    return call(m_modules->decoder, latents, m_decoderPath);
}

void TorchScriptFirstStage::toDevice(const at::Device& device) {
    m_modules->encoder.to(device);
    m_modules->decoder.to(device);
}

std::string TorchScriptFirstStage::describe() const {
    return "TorchScript first stage (" + m_encoderPath + ", " + m_decoderPath + "), factor " +
           std::to_string(m_factor) + ", " + std::to_string(m_latentChannels) + " latent channels";
}

}  // namespace ms::diffusion
