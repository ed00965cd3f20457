#pragma once
// Training the partial-observation denoiser (METHODS.md §3, Work I). The trainer receives the
// observed values and their mask only: u_obs = M ⊙ u_0, whatever the caller put in unobserved
// entries (NaN, noise) is replaced by zeros before anything reads it. Every step draws a fresh
// context M_ctx ⊆ M, noises u_t = M ⊙ (alpha_t u_obs + sigma_t eps), predicts u_0 from
// (t, M_ctx ⊙ u_t, M_ctx) and takes the squared error on the query M ⊙ (1 - M_ctx).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/conditioning/ConditionInput.h"
#include "core/runtime/CancelToken.h"
#include "core/training/DataParallelGroup.h"
#include "core/training/TrainingProgress.h"
#include "diffusion/NoiseSchedule.h"
#include "partial/ContextMasks.h"
#include "partial/PartialDenoiser.h"

namespace ms::partial {

// Where the loss is taken. Query: M ⊙ (1 - M_ctx) (Work I); AllObserved: all of M with the same
// context split (the ablation "loss on all of M"); NoSplit: context = M and loss on M (no
// positivity: the network never has to predict an entry it was not given).
enum class QueryRegion { Query, AllObserved, NoSplit };
std::string queryRegionName(QueryRegion region);
QueryRegion parseQueryRegion(const std::string& name);  // "query", "all-observed", "no-split"; throws std::invalid_argument

struct PartialTrainingSettings {
    ContextSettings context;
    QueryRegion region = QueryRegion::Query;
    int64_t updates = 6000;
    int64_t batchSize = 128;
    double lr = 2e-3;
    bool cosineDecay = true;
    double conditionDropout = 0.5;  // each known condition of a row is hidden with this probability
    // Share of rows whose timestep is drawn from [0, lowNoiseSteps) instead of [0, T): the single-step
    // ensemble reads the network at a small noise level, so that is where precision pays.
    double lowNoiseShare = 0.5;
    int64_t lowNoiseSteps = 50;
    uint64_t seed = 0;
    DataParallelGroup* group = nullptr;  // the run's ranks (MinibatchSettings::group); null: one process
    // Work II with observation-aligned guidance (partial/GuidedContexts): [N, k, D] prior draws per
    // training row, each guided by that row's own mask. Defined: every step's context is M_hat ⊙ M
    // with M_hat one of its row's k draws, picked uniformly (context's rule and pool unused).
    at::Tensor rowPriorMasks;
};

// u_obs: where(observed, values, 0). values may hold anything (NaN included) where unobserved.
at::Tensor observedValues(const at::Tensor& values, const at::Tensor& observed);

// One batch's loss (mean over the query entries). observedBatch: u_obs rows; mask: their M;
// priorMasks: undefined, or the rows' M_hat ([B, D]): the context is then M_hat ⊙ M.
at::Tensor partialDiffusionLoss(PartialDenoiser& net, const diffusion::NoiseSchedule& schedule, const at::Tensor& observedBatch,
                                const at::Tensor& mask, const ConditionInput* conditions,
                                const PartialTrainingSettings& settings, at::Generator& generator,
                                const at::Tensor& priorMasks = {});

// The epochs trainPartialDiffusion runs for `rows` rows: enough passes for settings.updates updates.
int64_t partialTrainingEpochs(int64_t rows, const PartialTrainingSettings& settings);

// values, observed: [N, D] (observed float 0/1). conditions: nullptr or N rows. Returns the mean loss
// of every completed epoch (an epoch is a pass over the rows; enough epochs for `updates` updates).
// Cancel stops after the current step. Throws std::invalid_argument for bad settings or shapes,
// std::runtime_error naming the step when the loss is not finite.
std::vector<double> trainPartialDiffusion(PartialDenoiser& net, const diffusion::NoiseSchedule& schedule,
                                          const at::Tensor& values, const at::Tensor& observed,
                                          const ConditionInput* conditions, const PartialTrainingSettings& settings,
                                          const EpochLossFn& onEpoch, const CancelToken& cancel);

}  // namespace ms::partial
