#include "sfarm/SfarmTrainer.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <random>
#include <stdexcept>
#include <string>

#include "sfarm/SfarmObjective.h"
#include "training/MinibatchAdamW.h"

namespace ms {

std::vector<SfarmEpoch> trainSfarm(SfarmMlp& model, const ElementGrid& grid, const at::Tensor& x,
                                   const at::Tensor& observed, const SfarmTrainingConfig& config,
                                   const std::function<void(const SfarmEpoch&)>& onEpoch, const CancelToken& cancel) {
    if (x.dim() != 2 || x.size(1) != grid.size() || !observed.sizes().equals(x.sizes()))
        throw std::invalid_argument("SFARM training: x and observed must be [N, " + std::to_string(grid.size()) + "]");
    const at::Tensor observedF = observed.to(at::kFloat);
    const at::Tensor values = at::where(observed.to(at::kBool), x.to(at::kFloat), at::zeros_like(observedF));
    std::mt19937_64 rng(config.seed);
    auto batchLoss = [&](const at::Tensor& idx) {
        const at::Tensor xb = values.index_select(0, idx), ob = observedF.index_select(0, idx);
        const TrainingMasks masks = drawTrainingMasks(idx.size(0), grid, config.modes, rng);
        const at::Tensor active = masks.active * ob;  // missing values can't be inputs
        const ElementPredictions p = model->forward(xb, active, masks.step, masks.mode);
        return sfarmLoss(model->logDensity(p, xb), ob, masks);
    };
    std::vector<SfarmEpoch> history;
    auto record = [&](int64_t epoch, double loss) {
        history.push_back({epoch, loss});
        if (onEpoch) onEpoch(history.back());
    };
    at::Generator shuffle = at::make_generator<at::CPUGeneratorImpl>(config.seed);
    model->train();
    trainMinibatchAdamW(model->parameters(), x.size(0), {config.epochs, config.batchSize, config.lr, config.weightDecay, "SFARM"},
                        shuffle, batchLoss, record, cancel);
    model->eval();
    return history;
}

}  // namespace ms
