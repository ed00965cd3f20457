#pragma once
// Training an SFARM network (MLP or U-Net) on partially observed vectors with the simplified objective: AdamW,
// seeded, cancel checked every step, NaN loss reported with epoch and step.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "core/runtime/CancelToken.h"
#include "core/training/DataParallelGroup.h"
#include "sfarm/MaskingMode.h"
#include "sfarm/SfarmRunProgress.h"
#include "sfarm/SfarmNetwork.h"

namespace ms::sfarm {

struct SfarmTrainingConfig {
    int64_t epochs = 200;
    int64_t batchSize = 64;
    double lr = 1e-3;
    double weightDecay = 1e-4;
    bool cosineDecay = false;  // learning rate from lr down to 0 over the run (MinibatchSettings)
    uint64_t seed = 0;
    std::vector<MaskingMode> modes{MaskingMode::Random};
    // Not a setting but the run's ranks: data parallel over them (MinibatchSettings::group); each
    // rank draws its masks from a stream of its own. Null: one process.
    DataParallelGroup* group = nullptr;
};

// Early stopping on held-out values: every `every` epochs `target` is scored given `context`;
// training stops once the score has not improved for `patience` checks, and the best weights are
// restored. Nll: the mean NLL of the targets jointly (sfarmLogLikelihood over `orders` orders).
// PointError: how well the conditional means predict each target given the context alone (what
// point imputation fills): the squared error of continuous and integer elements (standardised)
// and 1 - p(true class) for categorical ones, averaged over the target cells; one network call.
enum class SfarmValidationMetric { Nll, PointError };

struct SfarmValidation {
    at::Tensor x, context, target;  // [V, S]; context/target bool and disjoint
    int64_t every = 50;
    int64_t patience = 10;
    int64_t orders = 5;
    SfarmValidationMetric metric = SfarmValidationMetric::Nll;
};

// The PointError metric for `model` (see SfarmValidation).
double sfarmPointError(const SfarmNetwork& model, const at::Tensor& x, const at::Tensor& context, const at::Tensor& target);

struct SfarmEpoch {
    int64_t epoch = 0;  // 1-based
    double loss = 0.0;  // mean objective per row over the epoch
    double validationNll = std::numeric_limits<double>::quiet_NaN();  // at check epochs: the validation score (NLL or point error)
    bool best = false;  // this check is the best so far (its weights are kept)
};

// x: [N, S] float (missing entries may be NaN), observed: [N, S] bool. Throws
// std::runtime_error naming epoch and step when the loss stops being finite. With `validation`,
// stops early and leaves the model at its best check.
// progress (optional, in and out): a run to resume (its epochs done and best check; the model
// holds its current weights), kept current at the end of every epoch before onEpoch, so that a
// checkpoint written there resumes from that epoch. midEpoch (with progress): checkpoints inside
// an epoch, progress->position current when its save runs; a progress holding a position goes on
// from it. Returns the epochs of this call.
std::vector<SfarmEpoch> trainSfarm(SfarmNetwork& model, const ElementGrid& grid, const at::Tensor& x,
                                   const at::Tensor& observed, const SfarmTrainingConfig& config,
                                   const std::function<void(const SfarmEpoch&)>& onEpoch, const CancelToken& cancel,
                                   const SfarmValidation* validation = nullptr, SfarmRunProgress* progress = nullptr,
                                   const MidEpochCheckpoints& midEpoch = {});

}  // namespace ms::sfarm
