#include "sfarm/SfarmTrainer.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/optim/adamw.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

#include "sfarm/SfarmObjective.h"

namespace ms {

std::vector<SfarmEpoch> trainSfarm(SfarmMlp& model, const ElementGrid& grid, const at::Tensor& x,
                                   const at::Tensor& observed, const SfarmTrainingConfig& config,
                                   const std::function<void(const SfarmEpoch&)>& onEpoch, const CancelToken& cancel) {
    if (x.dim() != 2 || x.size(1) != grid.size() || !observed.sizes().equals(x.sizes()))
        throw std::invalid_argument("SFARM training: x and observed must be [N, " + std::to_string(grid.size()) + "]");
    if (config.epochs < 1 || config.batchSize < 1 || !(config.lr > 0))
        throw std::invalid_argument("SFARM training: epochs, batch size and learning rate must be positive");
    const int64_t N = x.size(0);
    const at::Tensor observedF = observed.to(at::kFloat);
    const at::Tensor values = at::where(observed.to(at::kBool), x.to(at::kFloat), at::zeros_like(observedF));
    std::mt19937_64 rng(config.seed);
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(config.seed);
    torch::optim::AdamW optimizer(model->parameters(),
                                  torch::optim::AdamWOptions(config.lr).weight_decay(config.weightDecay));
    model->train();
    std::vector<SfarmEpoch> history;
    for (int64_t epoch = 1; epoch <= config.epochs && !cancel.cancelled(); ++epoch) {
        const at::Tensor perm = at::randperm(N, gen, at::kLong);
        double sum = 0.0;
        int64_t rows = 0;
        for (int64_t start = 0, step = 1; start < N; start += config.batchSize, ++step) {
            if (cancel.cancelled()) break;
            const at::Tensor idx = perm.narrow(0, start, std::min(config.batchSize, N - start));
            const at::Tensor xb = values.index_select(0, idx), ob = observedF.index_select(0, idx);
            const TrainingMasks masks = drawTrainingMasks(idx.size(0), grid, config.modes, rng);
            const at::Tensor active = masks.active * ob;  // missing values can't be inputs
            const ElementGaussians g = model->forward(xb, active, masks.step, masks.mode);
            const at::Tensor loss = sfarmLoss(xb, ob, masks, g.mean, g.logStd);
            const double value = loss.item<double>();
            if (!std::isfinite(value))
                throw std::runtime_error("SFARM training diverged: loss " + std::to_string(value) + " at epoch " +
                                         std::to_string(epoch) + ", step " + std::to_string(step));
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            sum += value * static_cast<double>(idx.size(0));
            rows += idx.size(0);
        }
        if (rows == 0) break;
        history.push_back({epoch, sum / static_cast<double>(rows)});
        if (onEpoch) onEpoch(history.back());
    }
    model->eval();
    return history;
}

}  // namespace ms
