#pragma once
// Learning a new concept from one image (or a few) and its mask (MCGM's two-stage fine-tune,
// METHODS.md §4): the concept gets its own cross-attention token.
//  Stage 1: only the concept's embedding trains (AdamW, lr 5e-3 (paper: 5e-4), 400 steps), the U-Net frozen.
//  Stage 2: the U-Net with its mask encoder trains as well (lr 1e-5, 400 steps), with prior
//           preservation: every step also takes a batch of the pretraining data (their own
//           silhouettes as target shapes, no concept) so the model keeps what it knew.
// Loss on the concept images: the masked diffusion loss (the noise error inside the concept's
// mask only) + attentionWeight x the concept token's attention loss against its mask.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <functional>
#include <string>
#include <vector>

#include "core/conditioning/ConditionInput.h"
#include "core/runtime/CancelToken.h"
#include "diffusion/McUnet.h"
#include "diffusion/NoiseSchedule.h"

namespace ms::diffusion {

struct ConceptTuneSettings {
    int64_t stage1Steps = 1500;  // 400 left rare parts (a second bottle, a disc wheel) out (docs/RESULTS.md)
    double stage1Lr = 5e-3;  // the paper's 5e-4 barely moves a fresh token in 400 steps here (docs/RESULTS.md)
    int64_t stage2Steps = 400;  // 0: stage 1 only
    double stage2Lr = 1e-5;
    double attentionWeight = 1e-2;
    int64_t batch = 4;          // concept images per step (repeated when fewer)
    double maskDropout = 0.3;   // concept rows without their target shape, so the concept works with a new one or none
    // Prior rows' conditions as in pretraining: each hidden with priorSparsity, and a share of rows
    // with every condition hidden. The concept's own rows have every condition hidden, so without
    // these the all-hidden state would learn the concept instead of the prior (measured: a
    // held-out bike's bottles leaked into 44 % of generations that did not ask for it).
    double priorSparsity = 0.25;
    double priorAllHidden = 0.3;
};

// The concept's images: latents [n, Z, h, w] (scaled), their masks [n, 1, H, W] and conditions
// (usually all unknown). The prior data (may be empty: no prior preservation): latents, conditions
// and target masks of the pretraining set.
struct ConceptData {
    at::Tensor latents, masks;
    ConditionInput conditions;
    at::Tensor priorLatents, priorMasks;
    ConditionInput priorConditions;
};

// (stage 1 or 2, step, steps, loss)
using ConceptProgressFn = std::function<void(int stage, int64_t step, int64_t steps, double loss)>;

struct ConceptTuneResult {
    std::vector<double> stage1Loss, stage2Loss;  // per step
    bool cancelled = false;                      // stopped between steps: the U-Net as it is then
};

// `unet` has a slot for the concept (withConceptSlot) at `concept`. Throws std::invalid_argument
// for bad shapes and std::runtime_error for a diverging loss (naming the stage and step).
ConceptTuneResult tuneConcept(McUnet& unet, int64_t concept, const ConceptData& data, const NoiseSchedule& schedule,
                              const ConceptTuneSettings& settings, at::Generator& generator,
                              const ConceptProgressFn& onStep, const CancelToken& cancel);

}  // namespace ms::diffusion
