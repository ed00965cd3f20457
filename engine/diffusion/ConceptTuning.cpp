#include "diffusion/ConceptTuning.h"

#include <ATen/ATen.h>
#include <torch/optim/adamw.h>

#include <cmath>
#include <stdexcept>

#include "core/runtime/ThreadBudget.h"
#include "diffusion/MaskAttention.h"
#include "diffusion/MaskEncoder.h"
#include "diffusion/McLdmTrainer.h"

namespace ms::diffusion {
namespace {

at::Tensor randomRows(int64_t available, int64_t count, at::Generator& generator, const at::Device& device) {
    return at::randint(available, {count}, generator, at::TensorOptions().dtype(at::kLong)).to(device);
}

// Rows whose target shape is dropped get an empty mask (= no shape).
at::Tensor dropMasks(const at::Tensor& masks, double dropout, at::Generator& generator) {
    const at::Tensor keep = (at::rand({masks.size(0)}, generator, at::TensorOptions()) >= dropout).to(masks.device(), at::kFloat);
    return masks * keep.view({-1, 1, 1, 1});
}

// The masked diffusion loss of the concept images + the concept token's attention loss.
at::Tensor conceptLoss(McUnet& unet, int64_t concept, const ConceptData& d, const NoiseSchedule& schedule,
                       const ConceptTuneSettings& s, at::Generator& generator) {
    const at::Device device = d.latents.device();
    const at::Tensor rows = randomRows(d.latents.size(0), s.batch, generator, device);
    const at::Tensor latents = d.latents.index_select(0, rows);
    const at::Tensor masks = d.masks.index_select(0, rows);
    const at::Tensor t = randomRows(schedule.steps, s.batch, generator, device);
    const at::Tensor noise = gaussianNoiseLike(latents, generator);
    at::Tensor present = at::zeros({s.batch, unet->config().conceptTokens}, latents.options());
    present.select(1, concept).fill_(1.0);
    std::vector<at::Tensor> maps;
    const at::Tensor eps = unet->forward(schedule.addNoise(latents, t, noise), t, d.conditions.select(rows),
                                         TokenInput(dropMasks(masks, s.maskDropout, generator), present), &maps);
    const at::Tensor region = maskCoverage(masks, latents.size(2));  // [B, 1, h, w]
    const at::Tensor diffusion =
        ((eps - noise).pow(2) * region).sum() / (region.sum() * static_cast<double>(latents.size(1))).clamp_min(1.0);
    const at::Tensor attention = tokenAttentionMap(maps, unet->config().conceptTokenIndex(concept));
    return diffusion + s.attentionWeight * maskAttentionLoss(attention, masks);
}

// Prior preservation: the plain training loss on a batch of the pretraining data.
at::Tensor priorLoss(McUnet& unet, const ConceptData& d, const NoiseSchedule& schedule, const ConceptTuneSettings& s,
                     at::Generator& generator) {
    const at::Tensor rows = randomRows(d.priorLatents.size(0), s.batch, generator, d.priorLatents.device());
    const at::Tensor masks = d.priorMasks.defined() ? dropMasks(d.priorMasks.index_select(0, rows), s.maskDropout, generator)
                                                    : at::Tensor();
    const ConditionInput conditions = d.priorConditions.select(rows);
    const int64_t count = conditions.categorical.size(1) + conditions.numerical.size(1);
    const at::Tensor keep = randomConditionKeep(s.batch, count, s.priorSparsity, s.priorAllHidden, generator);
    return ldmLoss(unet, d.priorLatents.index_select(0, rows), conditions, keep.to(d.priorLatents.device()), schedule, generator,
                   masks, 0.0);
}

}  // namespace

ConceptTuneResult tuneConcept(McUnet& unet, int64_t concept, const ConceptData& data, const NoiseSchedule& schedule,
                              const ConceptTuneSettings& s, at::Generator& generator, const ConceptProgressFn& onStep,
                              const CancelToken& cancel) {
    const McUnetConfig& c = unet->config();
    if (!c.crossAttention || concept < 0 || concept >= c.conceptTokens)
        throw std::invalid_argument("the U-Net has no slot for concept " + std::to_string(concept));
    if (!data.latents.defined() || data.latents.size(0) < 1 || !data.masks.defined() || data.masks.size(0) != data.latents.size(0))
        throw std::invalid_argument("a concept needs at least one image and one mask per image");
    if (s.batch < 1 || s.stage1Steps < 0 || s.stage2Steps < 0) throw std::invalid_argument("concept settings out of range");
    const bool prior = data.priorLatents.defined() && data.priorLatents.size(0) > 0;
    // Eval mode throughout: the condition projections' BatchNorm keeps its statistics (a batch of
    // one picture repeated would rewrite them); gradients flow all the same.
    unet->eval();
    ConceptTuneResult result;
    const auto runStage = [&](int stage, int64_t steps, double lr, std::vector<at::Tensor> parameters, std::vector<double>& history) {
        if (steps == 0) return;
        torch::optim::AdamW optimizer(parameters, torch::optim::AdamWOptions(lr));
        for (int64_t step = 1; step <= steps; ++step) {
            followThreadShare();
            if (cancel.cancelled()) {
                result.cancelled = true;
                return;
            }
            optimizer.zero_grad();
            at::Tensor loss = conceptLoss(unet, concept, data, schedule, s, generator);
            if (stage == 2 && prior) loss = loss + priorLoss(unet, data, schedule, s, generator);
            const double value = loss.item<double>();
            if (!std::isfinite(value))
                throw std::runtime_error("concept fine-tune stage " + std::to_string(stage) + ", step " + std::to_string(step) +
                                         ": the loss is not finite (try a lower learning rate)");
            loss.backward();
            optimizer.step();
            history.push_back(value);
            if (onStep) onStep(stage, step, steps, value);
        }
    };
    // Stage 1: the concept's embedding only.
    std::vector<at::Tensor> all = unet->parameters();
    for (at::Tensor& p : all) p.set_requires_grad(false);
    at::Tensor embedding = unet->conceptEmbeddings();
    embedding.set_requires_grad(true);
    runStage(1, s.stage1Steps, s.stage1Lr, {embedding}, result.stage1Loss);
    for (at::Tensor& p : all) p.set_requires_grad(true);
    // Stage 2: everything (the mask encoder is part of the U-Net), with prior preservation.
    if (!result.cancelled) runStage(2, s.stage2Steps, s.stage2Lr, all, result.stage2Loss);
    for (at::Tensor& p : all) p.mutable_grad() = at::Tensor();
    return result;
}

}  // namespace ms::diffusion
