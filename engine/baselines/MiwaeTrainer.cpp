#include "baselines/MiwaeTrainer.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/optim/adamw.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace ms {

double trainMiwae(Miwae& model, const at::Tensor& x, const at::Tensor& observed, const MiwaeTrainingConfig& config,
                  const CancelToken& cancel) {
    if (config.epochs < 1 || config.batchSize < 1 || config.importanceSamples < 1 || !(config.lr > 0))
        throw std::invalid_argument("MIWAE training: epochs, batch size, samples and learning rate must be positive");
    const int64_t N = x.size(0);
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(config.seed);
    torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(config.lr).weight_decay(0.0));
    double last = 0.0;
    for (int64_t epoch = 1; epoch <= config.epochs && !cancel.cancelled(); ++epoch) {
        const at::Tensor perm = at::randperm(N, gen, at::kLong);
        double sum = 0.0;
        for (int64_t start = 0, step = 1; start < N; start += config.batchSize, ++step) {
            const at::Tensor idx = perm.narrow(0, start, std::min(config.batchSize, N - start));
            const at::Tensor bound = model->bound(x.index_select(0, idx), observed.index_select(0, idx),
                                                  config.importanceSamples, gen);
            const at::Tensor loss = -bound.mean();
            const double value = loss.item<double>();
            if (!std::isfinite(value))
                throw std::runtime_error("MIWAE training diverged at epoch " + std::to_string(epoch) + ", step " +
                                         std::to_string(step));
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            sum += -value * static_cast<double>(idx.size(0));
        }
        last = sum / static_cast<double>(N);
    }
    return last;
}

}  // namespace ms
