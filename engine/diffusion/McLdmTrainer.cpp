#include "diffusion/McLdmTrainer.h"

#include <ATen/ATen.h>

#include <cmath>

#include "diffusion/MaskAttention.h"
#include "diffusion/RandomPlacement.h"

namespace ms::diffusion {
namespace {

int64_t stepsPerEpoch(int64_t rows, int64_t batch) { return (rows + batch - 1) / batch; }

}  // namespace

std::vector<double> trainAutoencoder(KlAutoencoder& model, const at::Tensor& images,
                                     const AutoencoderTrainSettings& settings, at::Generator& generator,
                                     const EpochLossFn& onEpoch, const CancelToken& cancel) {
    model->train();
    MinibatchSettings mb;
    mb.epochs = settings.epochs;
    mb.epochsDone = settings.epochsDone;
    mb.batchSize = settings.batchSize;
    mb.lr = settings.lr;
    mb.model = "autoencoder";
    mb.resumeFrom = settings.resumeFrom;
    mb.midEpoch = settings.midEpoch;
    mb.group = settings.group;
    const auto loss = [&](const at::Tensor& globalRows, const BatchShard& shard) {
        const at::Tensor batch = images.index_select(0, shard.ofGlobal(globalRows).to(images.device()));
        return autoencoderLoss(model->forward(batch, generator, shard), batch, settings.klWeight);
    };
    auto history = trainMinibatchFlatAdamW(*model, images.size(0), mb, generator, loss, onEpoch, cancel);
    model->eval();
    return history;
}

double latentScaleFor(const at::Tensor& latents) {
    const double sd = latents.to(at::kDouble).std().item<double>();
    return sd > 1e-8 && std::isfinite(sd) ? 1.0 / sd : 1.0;
}

at::Tensor randomConditionKeep(int64_t rows, int64_t conditions, double hiddenShare, double allHiddenShare,
                               at::Generator& generator) {
    const at::TensorOptions cpu;
    if (allHiddenShare <= 0.0) return at::rand({rows, conditions}, generator, cpu) >= hiddenShare;
    const at::Tensor allHidden = at::rand({rows, 1}, generator, cpu) < allHiddenShare;
    return (at::rand({rows, conditions}, generator, cpu) >= hiddenShare) & allHidden.logical_not();
}

at::Tensor ldmLoss(McUnet& unet, const at::Tensor& latents, const ConditionInput& conditions, const at::Tensor& keep,
                   const NoiseSchedule& schedule, at::Generator& generator, const at::Tensor& targetMask,
                   double maskAttentionWeight, const BatchShard& shard) {
    const at::Tensor t = shard.ofGlobal(at::randint(schedule.steps, {shard.drawnRows(latents.size(0))}, generator,
                                                    at::TensorOptions().dtype(at::kLong)))
                             .to(latents.device());
    const at::Tensor noise = gaussianNoiseLike(latents, generator, shard);
    const at::Tensor noisy = schedule.addNoise(latents, t, noise);
    const ConditionInput masked = conditions.rows() > 0 && keep.numel() > 0 ? conditions.masked(keep) : conditions;
    const bool tieAttention = targetMask.defined() && maskAttentionWeight > 0.0 && unet->config().crossAttention;
    std::vector<at::Tensor> maps;
    const at::Tensor shardMask = targetMask.defined() ? shard.ofGlobal(targetMask) : targetMask;
    TokenInput extra(shardMask);
    extra.conditionRowsFrom = shard.isWhole() ? 0 : shard.first;
    const at::Tensor diffusion = (unet->forward(noisy, t, masked, extra, tieAttention ? &maps : nullptr) - noise).pow(2).mean();
    if (!tieAttention) return diffusion;
    const at::Tensor attention = tokenAttentionMap(maps, unet->config().maskTokenIndex());
    return diffusion + maskAttentionWeight * maskAttentionLoss(attention, shardMask, shard.isWhole() ? at::Tensor() : targetMask);
}

std::vector<double> trainMcLdm(McUnet& unet, const at::Tensor& latents, const ConditionInput& conditions,
                               const NoiseSchedule& schedule, const LdmTrainSettings& settings,
                               at::Generator& generator, const EpochLossFn& onEpoch, const CancelToken& cancel,
                               int64_t epochsDone, AdamWState* optimizerState, const at::Tensor& targetMasks) {
    if (const std::string problem = settings.sparsity.validate(); !problem.empty())
        throw std::invalid_argument("sparsity schedule: " + problem);
    if (epochsDone < 0 || epochsDone >= settings.epochs)
        throw std::invalid_argument("the run has " + std::to_string(epochsDone) + " of " + std::to_string(settings.epochs) +
                                    " epochs done: nothing left to train (ask for more epochs)");
    unet->train();
    MinibatchSettings mb;
    mb.epochs = settings.epochs;
    mb.epochsDone = epochsDone;
    mb.batchSize = settings.batchSize;
    mb.lr = settings.lr;
    mb.model = "mcLDM";
    mb.resumeFrom = settings.resumeFrom;
    mb.midEpoch = settings.midEpoch;
    mb.group = settings.group;
    const int64_t totalSteps = settings.epochs * stepsPerEpoch(latents.size(0), settings.batchSize);
    const int64_t conditionCount = conditions.categorical.size(1) + conditions.numerical.size(1);
    // Data parallel: every per-row draw is made for the global batch (and the conditions go in
    // whole, for the projections' BatchNorm); this rank keeps its shard's rows.
    const auto loss = [&](const at::Tensor& globalRows, const BatchShard& shard) {
        const at::Tensor globalIdx = globalRows.to(latents.device()), idx = shard.ofGlobal(globalIdx);
        const int64_t drawn = globalIdx.size(0);
        at::Tensor batch = latents.index_select(0, idx);
        const ConditionInput cond = conditions.select(globalIdx);
        at::Tensor globalShifts = settings.placementShift > 0 ? randomPlacementShifts(drawn, settings.placementShift, generator)
                                                              : at::Tensor();
        const double p = settings.sparsity.at(shard.step, totalSteps);
        const at::Tensor keep = randomConditionKeep(drawn, conditionCount, p, 0.0, generator).to(latents.device());
        if (!targetMasks.defined() || !unet->config().crossAttention) {
            if (globalShifts.defined()) batch = shiftByCells(batch, shard.ofGlobal(globalShifts), 1, true);
            return ldmLoss(unet, batch, cond, keep, schedule, generator, {}, 0.0, shard);
        }
        // the target shapes of the whole batch (the attention loss averages over its rows with one)
        const at::Tensor keptRows = at::rand({drawn}, generator, at::TensorOptions()) >= settings.maskDropout;
        const at::Tensor kept = keptRows.to(latents.device(), at::kFloat).view({-1, 1, 1, 1});
        at::Tensor masks = targetMasks.index_select(0, globalIdx.to(targetMasks.device())).to(latents.device()) * kept;
        if (globalShifts.defined()) {
            // Only a row that shows its shape moves: a row without one stays where the data has
            // it, so that without a shape the model draws the design in its usual place.
            globalShifts = globalShifts * keptRows.to(at::kLong).view({-1, 1});
            batch = shiftByCells(batch, shard.ofGlobal(globalShifts), 1, true);
            masks = shiftByCells(masks, globalShifts, masks.size(2) / latents.size(2), false);
        }
        return ldmLoss(unet, batch, cond, keep, schedule, generator, masks, settings.maskAttentionWeight, shard);
    };
    auto history = trainMinibatchFlatAdamW(*unet, latents.size(0), mb, generator, loss, onEpoch, cancel, optimizerState);
    unet->eval();
    return history;
}

}  // namespace ms::diffusion
