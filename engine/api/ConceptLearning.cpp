#include "api/ConceptLearning.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <stdexcept>

#include "api/ImageData.h"
#include "api/TargetMask.h"
#include "core/data/DesignTensors.h"
#include "core/data/ImageTensors.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "diffusion/ConceptTuning.h"
#include "diffusion/ImageGeneration.h"
#include "diffusion/ImageModelBundle.h"
#include "diffusion/TargetShape.h"

namespace ms::api {
namespace {

void checkName(const std::string& name, const diffusion::McLdm& model) {
    if (name.empty()) throw std::invalid_argument("a concept needs a name");
    if (std::find(model.concepts.begin(), model.concepts.end(), name) != model.concepts.end())
        throw std::invalid_argument("the model already has a concept named '" + name + "'");
    for (const auto& c : model.schema.categorical)
        if (c.column == name) throw std::invalid_argument("'" + name + "' is a condition of the model; choose another concept name");
    for (const auto& c : model.schema.numerical)
        if (c.column == name) throw std::invalid_argument("'" + name + "' is a condition of the model; choose another concept name");
}

at::Tensor checkedImages(const ImagePixels& p, const diffusion::McLdm& model, int64_t channels, const char* what) {
    if (p.count < 1 || p.size != model.imageSize || p.channels != channels)
        throw std::invalid_argument(std::string("the concept's ") + what + " must be " + std::to_string(model.imageSize) + " px with " +
                                    std::to_string(channels) + " channel(s)");
    return imagesToTensor(p.data, p.count, p.channels, p.size);
}

}  // namespace

ConceptResult learnConcept(const ConceptRequest& r, const ConceptProgressCallback& onProgress, const CancelToken& cancel) {
    const Stopwatch t0;
    diffusion::ImageModelFile file = diffusion::loadImageModel(r.modelPath);
    diffusion::McLdm& model = file.model;
    if (!model.unet->config().crossAttention)
        throw std::invalid_argument(r.modelPath + " was trained without cross-attention: it cannot learn concepts "
                                                  "(train one with image train --cross-attention)");
    checkName(r.name, model);
    const at::Tensor images = checkedImages(r.images, model, model.imageChannels, "pictures");
    const at::Tensor masks = (checkedImages(r.masks, model, 1, "masks") > 0.0).to(at::kFloat);
    if (masks.size(0) != images.size(0)) throw std::invalid_argument("one mask per picture, please");
    if ((masks.flatten(1).amax(1) < 0.5).any().item<bool>())
        throw std::invalid_argument("a concept mask is empty: paint the object in every picture");

    const at::Device device = resolveDevice(r.device);
    model.to(device);
    model.unet = diffusion::withConceptSlot(model.unet);
    model.concepts.push_back(r.name);
    const int64_t concept = static_cast<int64_t>(model.concepts.size()) - 1;

    diffusion::ConceptData data;
    {
        torch::NoGradGuard noGrad;
        data.latents = model.firstStage->encode(images.to(device)) * model.latentScale;
        data.masks = masks.to(device);
        data.conditions = diffusion::allMaskedConditions(model, images.size(0), device);
        if (r.prior && r.stage2Steps > 0) {  // stage 1 never rehearses the prior
            if (r.prior->size != model.imageSize || r.prior->channels != model.imageChannels)
                throw std::invalid_argument(r.prior->source + ": the prior images are not of the model's size");
            const ImageConditions cond = imageConditionsWithSchema(*r.prior, model.schema, model.normalization);
            at::Generator pick = at::make_generator<at::CPUGeneratorImpl>(r.seed + 101);
            const at::Tensor rows = at::randperm(r.prior->count(), pick, at::TensorOptions().dtype(at::kLong))
                                        .slice(0, 0, std::max<int64_t>(1, r.priorRows));
            const at::Tensor prior = imagesToTensor(*r.prior).index_select(0, rows).to(device);
            std::vector<at::Tensor> latents;
            for (int64_t b = 0; b < prior.size(0); b += 256)
                latents.push_back(model.firstStage->encode(prior.slice(0, b, std::min(b + 256, prior.size(0)))) * model.latentScale);
            data.priorLatents = at::cat(latents, 0);
            data.priorMasks = diffusion::silhouetteMasks(prior, model.unet->config().maskGrid);
            data.priorConditions = makeDesignTensors(cond.table, cond.normalization).conditions.select(rows).to(device);
        }
    }
    diffusion::ConceptTuneSettings s;
    s.stage1Steps = r.stage1Steps;
    s.stage1Lr = r.stage1Lr;
    s.stage2Steps = r.stage2Steps;
    s.stage2Lr = r.stage2Lr;
    s.attentionWeight = r.attentionWeight;
    s.batch = r.batch;
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(r.seed);
    const diffusion::ConceptProgressFn onStep = [&](int stage, int64_t step, int64_t steps, double loss) {
        ConceptProgress p{stage, step, steps, loss, t0.seconds(), {}};
        if (r.previewEvery > 0 && (step % r.previewEvery == 0 || step == steps)) {
            diffusion::ImageGenerationSettings gs;
            gs.sampler.steps = 10;
            gs.targetMask = data.masks.slice(0, 0, 1);
            gs.concepts = at::zeros({1, concept + 1});
            gs.concepts.select(1, concept).fill_(1.0);
            const at::Tensor preview = diffusion::generateImages(model, data.conditions.slice(0, 1), gs).images;
            p.preview = ImagePixels{1, preview.size(1), preview.size(2), tensorToPixels(preview)};
        }
        if (onProgress) onProgress(p);
    };
    const diffusion::ConceptTuneResult tuned = diffusion::tuneConcept(model.unet, concept, data, model.schedule, s, generator, onStep, cancel);

    ConceptResult result;
    result.deviceName = device.str();
    result.stage1Loss = tuned.stage1Loss;
    result.stage2Loss = tuned.stage2Loss;
    result.cancelled = tuned.cancelled;
    result.seconds = t0.seconds();
    file.training["concepts"][r.name] = {{"pictures", r.images.count},      {"stage1_steps", tuned.stage1Loss.size()},
                                         {"stage2_steps", tuned.stage2Loss.size()}, {"stage1_lr", r.stage1Lr},
                                         {"stage2_lr", r.stage2Lr},          {"prior_preservation", r.prior != nullptr},
                                         {"seconds", result.seconds},        {"cancelled", tuned.cancelled}};
    file.optimizer = AdamWState{};  // the pretraining moments do not fit the grown U-Net
    model.to(at::kCPU);
    diffusion::saveImageModel(file, r.outPath);
    result.modelPath = r.outPath;
    return result;
}

}  // namespace ms::api
