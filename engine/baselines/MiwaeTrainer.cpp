#include "baselines/MiwaeTrainer.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <stdexcept>

#include "core/training/MinibatchAdamW.h"

namespace ms::baselines {

double trainMiwae(Miwae& model, const at::Tensor& x, const at::Tensor& observed, const MiwaeTrainingConfig& config,
                  const CancelToken& cancel) {
    if (config.importanceSamples < 1) throw std::invalid_argument("MIWAE training: at least one importance sample");
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(config.seed);  // shuffles and latent noise
    auto batchLoss = [&](const at::Tensor& idx) {
        return -model->bound(x.index_select(0, idx), observed.index_select(0, idx), config.importanceSamples, gen).mean();
    };
    MinibatchSettings settings;
    settings.epochs = config.epochs;
    settings.batchSize = config.batchSize;
    settings.lr = config.lr;
    settings.model = "MIWAE";
    settings.group = config.group;
    const std::vector<double> losses = trainMinibatchAdamW(model->parameters(), x.size(0), settings, gen, batchLoss, {}, cancel);
    return losses.empty() ? 0.0 : -losses.back();
}

}  // namespace ms::baselines
