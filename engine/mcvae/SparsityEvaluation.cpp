#include "mcvae/SparsityEvaluation.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <numeric>

namespace ms::mcvae {

std::vector<double> defaultInferenceSparsities() {
    std::vector<double> s;
    for (int i = 0; i < 10; ++i) s.push_back(i / 10.0);
    return s;
}

SparsityEvaluation evaluateBySparsity(const McVae& model, const DesignTensors& test,
                                      const std::vector<double>& sparsities, uint64_t latentSeed, uint64_t maskSeed) {
    c10::InferenceMode guard;
    SparsityEvaluation ev;
    ev.sparsities = sparsities;
    ev.testRows = test.rows();
    if (test.rows() == 0) return ev;
    const at::Device device = model->parameters()[0].device();
    const DesignTensors data = test.to(device);
    const int64_t n = test.rows();
    const int64_t conditions = data.conditions.categorical.size(1) + data.conditions.numerical.size(1);

    // Draw on the CPU so the numbers do not depend on the device.
    at::Generator latentGen = at::make_generator<at::CPUGeneratorImpl>(latentSeed);
    at::Generator maskGen = at::make_generator<at::CPUGeneratorImpl>(maskSeed);
    const at::Tensor zFixed = at::randn({n, model->config().latentDim}, latentGen, at::kFloat).to(device);
    const at::Tensor zZero = at::zeros_like(zFixed);

    auto mse = [&](const at::Tensor& z, const ConditionInput& c) {
        return (model->decode(z, c) - data.outputs).square().sum().item<double>() / static_cast<double>(n);
    };
    for (double s : sparsities) {
        const at::Tensor keep = (at::rand({n, conditions}, maskGen, at::kFloat) >= s).to(device);
        const ConditionInput masked = data.conditions.masked(keep);
        ev.mse.push_back(mse(zFixed, masked));
        ev.mseZ0.push_back(mse(zZero, masked));
    }
    const double k = static_cast<double>(sparsities.size());
    ev.meanMse = std::accumulate(ev.mse.begin(), ev.mse.end(), 0.0) / k;
    ev.meanMseZ0 = std::accumulate(ev.mseZ0.begin(), ev.mseZ0.end(), 0.0) / k;
    return ev;
}

}  // namespace ms::mcvae
