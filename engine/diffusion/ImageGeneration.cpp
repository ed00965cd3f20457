#include "diffusion/ImageGeneration.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <stdexcept>

#include "diffusion/CudaGraphNoiseModel.h"

namespace ms::diffusion {
namespace {

StepCallback previewCallback(McLdm& model, const ImageGenerationSettings& settings, const ImagePreview& onPreview) {
    if (!onPreview) return {};
    return [&model, &settings, onPreview](int64_t done, int64_t total, const at::Tensor& x0) {
        const bool wanted = done == total || (settings.previewEvery > 0 && done % settings.previewEvery == 0);
        onPreview(done, total, wanted ? model.firstStage->decode(x0 / model.latentScale).clamp(-1.0, 1.0) : at::Tensor());
    };
}

}  // namespace

ImageResult generateImages(McLdm& model, const ConditionInput& conditions, const ImageGenerationSettings& settings,
                           const ImagePreview& onPreview, const CancelToken& cancel) {
    torch::NoGradGuard noGrad;
    const at::Device device = model.device();
    const ConditionInput cond = conditions.to(device);
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(settings.seed);
    const int64_t s = model.latentSize();
    const at::Tensor xT = gaussianNoiseLike(
        at::empty({cond.rows(), model.firstStage->latentChannels(), s, s}, at::TensorOptions().device(device)), generator);
    // Deterministic DDIM without previews on a GPU: the whole call (every step and the decoder)
    // is one CUDA graph, replayed on later calls with the same shapes.
    if (!onPreview && !settings.targetMask.defined() && !settings.concepts.defined() && settings.sampler.kind == SamplerKind::Ddim && settings.sampler.eta == 0.0 &&
        device.is_cuda()) {
        if (!model.capturedCalls) model.capturedCalls = makeCapturedCalls();
        const std::string key = "ddim|" + std::to_string(settings.sampler.steps) + "|" + std::to_string(settings.guidance);
        const auto whole = [&](const std::vector<at::Tensor>& in) {
            const ConditionInput c{in[1], in[2], in[3]};
            const SampleResult r = sampleDiffusion(guidedNoiseModel(model, c, settings.guidance), model.schedule, in[0],
                                                   settings.sampler, generator);
            return model.firstStage->decode(r.x / model.latentScale).clamp(-1.0, 1.0);
        };
        if (auto images = runCapturedCall(*model.capturedCalls, key,
                                          {xT, cond.categorical, cond.numerical, cond.numericalKnown}, whole))
            return {*images, false, settings.sampler.steps};
    }
    const SampleResult r = sampleDiffusion(capturedNoiseModel(guidedNoiseModel(model, cond, settings.guidance, {settings.targetMask, settings.concepts}), xT), model.schedule, xT,
                                           settings.sampler, generator, previewCallback(model, settings, onPreview), cancel);
    return {model.firstStage->decode(r.x / model.latentScale).clamp(-1.0, 1.0), r.cancelled, r.stepsDone};
}

ImageResult inpaintImages(McLdm& model, const at::Tensor& images, const at::Tensor& regenerate,
                          const ConditionInput& conditions, const ImageGenerationSettings& settings,
                          const ImagePreview& onPreview, const CancelToken& cancel) {
    torch::NoGradGuard noGrad;
    const at::Device device = model.device();
    if (images.dim() != 4 || images.size(1) != model.imageChannels || images.size(2) != model.imageSize ||
        images.size(3) != model.imageSize)
        throw std::invalid_argument("inpainting needs images of " + std::to_string(model.imageChannels) + " x " +
                                    std::to_string(model.imageSize) + " x " + std::to_string(model.imageSize));
    if (regenerate.dim() != 4 || regenerate.size(1) != 1 || regenerate.size(2) != images.size(2) ||
        regenerate.size(3) != images.size(3))
        throw std::invalid_argument("the inpainting mask must be [B, 1, H, W] like the images");
    const at::Tensor x = images.to(device, at::kFloat);
    const at::Tensor region = (regenerate.to(device, at::kFloat) > 0.5).to(at::kFloat).expand({x.size(0), 1, -1, -1});
    const int64_t f = model.firstStage->factor();
    const at::Tensor latentRegion = at::max_pool2d(region, {f, f}, {f, f});
    const at::Tensor known = model.firstStage->encode(x) * model.latentScale;
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(settings.seed);
    const ConditionInput cond = conditions.to(device);
    const SampleResult r = repaint(capturedNoiseModel(guidedNoiseModel(model, cond, settings.guidance, {settings.targetMask, settings.concepts}), known), model.schedule, known,
                                   1.0 - latentRegion, settings.repaint, generator,
                                   previewCallback(model, settings, onPreview), cancel);
    const at::Tensor decoded = model.firstStage->decode(r.x / model.latentScale).clamp(-1.0, 1.0);
    return {region * decoded + (1.0 - region) * x, r.cancelled, r.stepsDone};
}

}  // namespace ms::diffusion
