#pragma once
// Training of the two mcLDM stages on the project's own data:
//  1. the KL autoencoder on the images (L1 + small KL),
//  2. the U-Net on the (scaled) latents with the DDPM noise-prediction loss, every condition
//     masked with probability p_t from a sparsity schedule (paper: linear 0.1 -> 0.25).
// Both use the shared minibatch AdamW loop (seeded shuffle, cancel, divergence message).
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "core/conditioning/ConditionInput.h"
#include "core/conditioning/SparsitySchedule.h"
#include "core/runtime/CancelToken.h"
#include "core/training/MinibatchAdamW.h"
#include "diffusion/KlAutoencoder.h"
#include "diffusion/McUnet.h"
#include "diffusion/NoiseSchedule.h"

namespace ms::diffusion {

struct AutoencoderTrainSettings {
    int64_t epochs = 30;
    int64_t batchSize = 32;
    double lr = 1e-3;
    double klWeight = 1e-6;
    int64_t epochsDone = 0;        // a resumed stage: epochs already trained of `epochs` (onEpoch numbers the whole stage)
    EpochPosition resumeFrom;      // a stage stopped inside epoch epochsDone + 1
    MidEpochCheckpoints midEpoch;  // checkpoints inside an epoch (MinibatchAdamW.h)
    DataParallelGroup* group = nullptr;  // the run's ranks (MinibatchSettings::group); null: one process
};

struct LdmTrainSettings {
    int64_t epochs = 100;
    int64_t batchSize = 32;  // paper: 32 (GeoBIKED)
    double lr = 2e-4;        // paper: 1e-4 over ~30 h on a GPU; a little higher for minutes-scale runs
    SparsitySchedule sparsity{ScheduleKind::Linear, 0.1, 0.25};
    // Cross-attention models with target masks: the probability a row's mask is dropped (so the
    // model also works without one, and guidance has an unconditional branch), and lambda_m of
    // the mask cross-attention loss.
    double maskDropout = 0.3;
    double maskAttentionWeight = 0.03;
    // Random placement (RandomPlacement.h): each batch row and its target mask moved by up to this
    // many latent cells in x and y (0: off), so that where a design goes comes from its shape.
    // With target masks, rows whose mask is dropped are not moved: without a shape the model
    // keeps drawing the design where the data has it.
    int64_t placementShift = 0;
    EpochPosition resumeFrom;      // a run stopped inside epoch epochsDone + 1 (trainMcLdm's argument)
    MidEpochCheckpoints midEpoch;  // checkpoints inside an epoch; optimizerState is current when they run
    DataParallelGroup* group = nullptr;  // the run's ranks (MinibatchSettings::group); null: one process
};

// images [N, C, H, W] in [-1, 1] on the model's device. Returns the mean loss of every epoch.
std::vector<double> trainAutoencoder(KlAutoencoder& model, const at::Tensor& images,
                                     const AutoencoderTrainSettings& settings, at::Generator& generator,
                                     const EpochLossFn& onEpoch, const CancelToken& cancel);

// The scale that gives the latents of `images` unit standard deviation (1 / std).
double latentScaleFor(const at::Tensor& latents);

// latents [N, Z, h, w] already multiplied by the latent scale; conditions with N rows.
// settings.epochs is the run's total; epochsDone > 0 resumes a run (the sparsity schedule and the
// epoch numbers of onEpoch continue where it stopped) from optimizerState, which is updated when
// training stops (finished or cancelled). Returns the losses of the epochs run here.
// targetMasks ([N, 1, H, W] in {0, 1}, image size; cross-attention U-Nets): each image's target
// shape, dropped with settings.maskDropout, its attention tied to the mask by maskAttentionWeight.
std::vector<double> trainMcLdm(McUnet& unet, const at::Tensor& latents, const ConditionInput& conditions,
                               const NoiseSchedule& schedule, const LdmTrainSettings& settings,
                               at::Generator& generator, const EpochLossFn& onEpoch, const CancelToken& cancel,
                               int64_t epochsDone = 0, AdamWState* optimizerState = nullptr,
                               const at::Tensor& targetMasks = {});

// Which conditions a training row shows ([rows, conditions] bool, on the CPU): each hidden with
// probability hiddenShare, and every one of a row hidden with probability allHiddenShare (drawn
// first, only when above 0, so that runs without it draw the same numbers as before).
at::Tensor randomConditionKeep(int64_t rows, int64_t conditions, double hiddenShare, double allHiddenShare,
                               at::Generator& generator);

// The noise-prediction loss of one batch with the given condition keep mask ([B, C + M] bool),
// plus maskAttentionWeight x the mask cross-attention loss when targetMask ([B, 1, H, W]) is given.
// A data-parallel shard (training/BatchShard.h): latents hold the shard's rows; conditions, keep
// and targetMask the global batch's; timesteps and noise are drawn for the global batch.
at::Tensor ldmLoss(McUnet& unet, const at::Tensor& latents, const ConditionInput& conditions, const at::Tensor& keep,
                   const NoiseSchedule& schedule, at::Generator& generator, const at::Tensor& targetMask = {},
                   double maskAttentionWeight = 0.0, const BatchShard& shard = {});

}  // namespace ms::diffusion
