#pragma once
// Work II's contexts in one call: a BFN prior (partial/MaskPrior) learnt over the data's
// observation masks, and a pool of its draws for ContextSettings::priorPool (contexts M_hat ⊙ M in
// training and ensemble inference). Images: the prior's network is the partial-observation U-Net
// (partial/ImageDenoiser); tables: an MLP (partial/VectorDenoiser) over the masks' entries (which
// keypoints and outputs a row has). Used by `partial train --context prior` and the Fashion-MNIST
// benchmark's model W.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/runtime/CancelToken.h"
#include "partial/ContextMasks.h"
#include "partial/MaskPrior.h"

namespace ms::partial {

struct MaskPriorPoolSettings {
    ImageShape image;                            // of the masks; 0 x 0: a table's masks (an MLP)
    int64_t baseChannels = 16;                   // the prior U-Net's width
    std::vector<int64_t> channelMult{1, 2, 2};   // one halving per level after the first
    int64_t hidden = 128;                        // the MLP's units per layer (tables)
    MaskPriorTraining training;
    int64_t poolSize = 2048;
    int64_t steps = 20;                          // the discrete-time sampler's
    double timePower = 3.0;                      // its time grid (MaskSampling::timePower)
};

// An image prior's training and pool (docs/RESULTS.md, "A calibrated mixture"): on the Fashion-MNIST
// mixture of i.i.d. gaps and blocks (data: 47.5 % block masks), 6,000 updates whose running average
// of the weights (decay 0.999) is kept draw 46 % block masks with 100 sampler steps and 42 % with the
// pool's 50 steps on the grid t_i = (i / n)^2; the last weights of the same run draw 62 % with 100
// steps, and a prior of 1,500 updates (the earlier default) 36 %.
constexpr int64_t kImagePriorUpdates = 6000;
constexpr double kImagePriorWeightAverage = 0.999;
constexpr int64_t kImagePriorPoolSteps = 50;
constexpr double kImagePriorPoolTimePower = 2.0;

// settings.training and the pool's sampler as an image prior's defaults above, `updates` (0: the default).
void useImagePriorDefaults(MaskPriorPoolSettings& settings, int64_t updates = 0);

// The untrained prior network for masks of `entries` entries (seeded by settings.training.seed).
std::shared_ptr<PartialDenoiser> makeMaskPriorNetwork(int64_t entries, const MaskPriorPoolSettings& settings);

// masks: [N, entries] float 0/1 on the device the prior should train on. Returns the trained prior
// (on that device; as trained so far when cancelled). Throws as trainMaskPrior does.
std::shared_ptr<PartialDenoiser> learnMaskPrior(const at::Tensor& masks, const MaskPriorPoolSettings& settings,
                                                const CancelToken& cancel, const EpochLossFn& onEpoch = {});
// learnMaskPrior, then its pool: returns the pool
// [poolSize, entries] float 0/1 (undefined when cancelled). onEpoch: the prior's mean loss per
// epoch (maskPriorEpochs of them). Throws as trainMaskPrior does.
at::Tensor learnMaskPriorPool(const at::Tensor& masks, const MaskPriorPoolSettings& settings, const CancelToken& cancel,
                              const EpochLossFn& onEpoch = {});
// A pool of settings.poolSize draws of a trained prior (undefined when cancelled); schedule: the
// one the prior was trained with (a read file's own).
at::Tensor drawMaskPriorPool(PartialDenoiser& prior, const MaskPriorPoolSettings& settings, const CancelToken& cancel,
                             const BfnSchedule& schedule = {});
// The epochs the prior trains for over `rows` masks.
int64_t maskPriorEpochs(int64_t rows, const MaskPriorTraining& training);

// The strongest dependence between two entries' gaps: the largest |phi| (Pearson correlation of
// the 0/1 missing indicators) over pairs of entries each missing in 1 to 99 % of the rows; 0 when
// there is no such pair. Independent gaps give about 0; gaps from a mixture of sources (a catalogue
// that never lists the same four parts, next to photos with random occlusions) give 0.5 or more.
double strongestGapCorrelation(const at::Tensor& masks);

}  // namespace ms::partial
