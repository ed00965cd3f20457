#include "sfarm/SfarmTrainer.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <random>
#include <stdexcept>
#include <string>

#include "core/training/MinibatchAdamW.h"
#include "sfarm/SfarmInference.h"
#include "sfarm/SfarmObjective.h"

namespace ms::sfarm {

double sfarmPointError(const SfarmNetwork& model, const at::Tensor& x, const at::Tensor& context, const at::Tensor& target) {
    c10::InferenceMode guard;
    const int64_t S = model.elementCount();
    const at::Tensor active = context.to(at::kFloat);
    const at::Tensor values = at::where(context.to(at::kBool), x.to(at::kFloat), at::zeros_like(active));
    const at::Tensor step = (active.sum(1).to(at::kLong) + 1).clamp_max(S);
    const at::Tensor mode = at::full({x.size(0)}, static_cast<int64_t>(MaskingMode::Random), at::kLong);
    at::Generator unused = at::make_generator<at::CPUGeneratorImpl>(0);
    const at::Tensor mean = model.elementDraw(values, active, step, mode, false, unused, 0.0);
    const at::Tensor truth = at::where(target.to(at::kBool), x.to(at::kFloat), at::zeros_like(active));
    at::Tensor error = (mean - truth).pow(2);
    bool anyCategorical = false;
    for (int64_t k = 0; k < S; ++k) anyCategorical = anyCategorical || !model.continuousElement(k);
    if (anyCategorical) {
        // Categorical: a wrong most-probable class costs 1, as a miss of one sd does elsewhere.
        const at::Tensor logp = model.elementLogDensity(at::where(target.to(at::kBool), truth, values), active, step, mode);
        const at::Tensor brier = 1.0 - logp.exp();
        for (int64_t k = 0; k < S; ++k)
            if (!model.continuousElement(k)) error.select(1, k).copy_(brier.select(1, k));
    }
    const at::Tensor t = target.to(at::kFloat);
    return ((error * t).sum() / t.sum().clamp_min(1.0)).item<double>();
}

std::vector<SfarmEpoch> trainSfarm(SfarmNetwork& model, const ElementGrid& grid, const at::Tensor& x,
                                   const at::Tensor& observed, const SfarmTrainingConfig& config,
                                   const std::function<void(const SfarmEpoch&)>& onEpoch, const CancelToken& cancel,
                                   const SfarmValidation* validation, SfarmRunProgress* progress,
                                   const MidEpochCheckpoints& midEpoch) {
    if (x.dim() != 2 || x.size(1) != grid.size() || !observed.sizes().equals(x.sizes()))
        throw std::invalid_argument("SFARM training: x and observed must be [N, " + std::to_string(grid.size()) + "]");
    if (grid.size() != model.elementCount())
        throw std::invalid_argument("SFARM training: the grid has " + std::to_string(grid.size()) + " elements, the network " +
                                    std::to_string(model.elementCount()));
    const at::Tensor observedF = observed.to(at::kFloat);
    const at::Tensor values = at::where(observed.to(at::kBool), x.to(at::kFloat), at::zeros_like(observedF));
    // A resumed run draws on from seeds moved by the epochs done (not the first epochs' draws again).
    const int64_t epochsDone = progress ? progress->epochsDone : 0;
    const uint64_t seed = config.seed + static_cast<uint64_t>(epochsDone) * 0x9E3779B97F4A7C15ULL;
    const int rank = config.group ? config.group->rank() : 0;
    std::mt19937_64 rng(seed + static_cast<uint64_t>(rank) * 0xBF58476D1CE4E5B9ULL);
    // With early stopping the loop runs on its own token; the caller's cancel is passed on to it.
    CancelToken stop;
    const CancelToken& loopCancel = validation ? stop : cancel;
    auto batchLoss = [&](const at::Tensor& idx) {
        if (cancel.cancelled()) stop.cancel();
        const at::Tensor xb = values.index_select(0, idx), ob = observedF.index_select(0, idx);
        const TrainingMasks masks = drawTrainingMasks(idx.size(0), grid, config.modes, rng);
        const at::Tensor active = masks.active * ob;  // missing values can't be inputs
        // The step input says how many elements are inputs, as at inference (|active| + 1): with
        // missing values fewer than the drawn step's i - 1 are, and telling the network i - 1
        // then trains it on a step count it never sees when imputing.
        const at::Tensor step = (active.sum(1).to(at::kLong) + 1).clamp_max(grid.size());
        return sfarmLoss(model.elementLogDensity(xb, active, step, masks.mode), ob, masks);
    };
    std::vector<SfarmEpoch> history;
    std::vector<at::Tensor> bestWeights = progress ? progress->bestWeights : std::vector<at::Tensor>{};
    double bestNll = progress ? progress->bestScore : std::numeric_limits<double>::infinity();
    int64_t bestEpoch = progress ? progress->bestEpoch : 0;
    std::mt19937_64 validationRng(seed + 7);
    auto record = [&](int64_t epoch, double loss) {
        SfarmEpoch e{epoch, loss};
        if (validation && epoch % validation->every == 0) {
            model.setTraining(false);
            e.validationNll = validation->metric == SfarmValidationMetric::PointError
                                  ? sfarmPointError(model, validation->x, validation->context, validation->target)
                                  : -sfarmLogLikelihood(model, validation->x, validation->context, validation->target,
                                                        validation->orders, validationRng).mean().item<double>();
            model.setTraining(true);
            if (e.validationNll < bestNll) {
                bestNll = e.validationNll;
                bestEpoch = epoch;
                e.best = true;
                bestWeights.clear();
                for (const at::Tensor& p : model.trainableParameters()) bestWeights.push_back(p.detach().clone());
            } else if (epoch - bestEpoch >= validation->every * validation->patience) {
                stop.cancel();
            }
        }
        history.push_back(e);
        if (progress) {
            progress->epochsDone = epoch;
            progress->position = EpochPosition{};
            progress->bestEpoch = bestEpoch;
            progress->bestScore = bestNll;
            progress->bestWeights = bestWeights;
            progress->stoppedEarly = stop.cancelled() && !cancel.cancelled();
        }
        if (onEpoch) onEpoch(history.back());
    };
    at::Generator shuffle = at::make_generator<at::CPUGeneratorImpl>(seed);
    // A checkpoint of a run that had already ended (killed between its last epoch and the final
    // file): only the best weights are left to restore.
    const bool ended = progress && (progress->stoppedEarly || epochsDone >= config.epochs);
    model.setTraining(true);
    MinibatchSettings settings;
    settings.epochs = config.epochs;
    settings.batchSize = config.batchSize;
    settings.lr = config.lr;
    settings.weightDecay = config.weightDecay;
    settings.cosineDecay = config.cosineDecay;
    settings.model = "SFARM";
    settings.epochsDone = epochsDone;
    settings.group = config.group;
    if (progress && !ended && progress->position.defined() && progress->position.epoch == epochsDone + 1)
        settings.resumeFrom = progress->position;
    if (progress && midEpoch.save && midEpoch.everySeconds > 0)
        settings.midEpoch = {midEpoch.everySeconds, [&](const EpochPosition& position) {
                                 progress->position = position;
                                 midEpoch.save(position);
                             }};
    if (!ended) trainMinibatchAdamW(model.trainableParameters(), x.size(0), settings, shuffle, batchLoss, record, loopCancel);
    model.setTraining(false);
    if (!bestWeights.empty()) {
        at::NoGradGuard noGrad;
        const std::vector<at::Tensor> params = model.trainableParameters();
        for (std::size_t k = 0; k < params.size(); ++k) params[k].copy_(bestWeights[k]);
    }
    return history;
}

}  // namespace ms::sfarm
