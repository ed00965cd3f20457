#include "sfarm/SfarmAcquisition.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <stdexcept>

#include "sfarm/MaskingMode.h"

namespace ms::sfarm {

std::vector<AcquisitionScore> rankAcquisition(const SfarmMlp& model, const at::Tensor& x, const std::vector<bool>& observed,
                                              int64_t target, int64_t samples, std::mt19937_64& rng) {
    const int64_t S = model->config().elements;
    if (x.numel() != S || static_cast<int64_t>(observed.size()) != S)
        throw std::invalid_argument("acquisition: x and observed must have " + std::to_string(S) + " elements");
    if (target < 0 || target >= S || observed[static_cast<size_t>(target)])
        throw std::invalid_argument("acquisition: the target must be an unobserved element");
    if (samples < 1) throw std::invalid_argument("acquisition: at least one sample per candidate");
    c10::InferenceMode guard;
    std::vector<int64_t> candidates;
    at::Tensor active = at::zeros({1, S});
    for (int64_t k = 0; k < S; ++k) {
        if (observed[static_cast<size_t>(k)]) active[0][k] = 1.0f;
        else if (k != target) candidates.push_back(k);
    }
    if (candidates.empty()) return {};
    const at::Tensor values = x.to(at::kFloat).reshape({1, S}) * active;
    const at::Tensor mode = at::full({1}, static_cast<int64_t>(MaskingMode::Random), at::kLong);
    const int64_t known = static_cast<int64_t>(active.sum().item<float>());
    const ElementPredictions prior = model->forward(values, active, at::full({1}, known + 1, at::kLong), mode);
    if (model->config().categorical(target)) throw std::invalid_argument("acquisition: the target must be a continuous element");
    const float priorMean = prior.mean[0][target].item<float>(), priorLogStd = prior.logStd[0][target].item<float>();

    // One batch: every candidate with `samples` imagined values drawn from p(x_k | x_O).
    const auto C = static_cast<int64_t>(candidates.size());
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(rng());
    at::Tensor batchValues = values.repeat({C * samples, 1});
    at::Tensor batchActive = active.repeat({C * samples, 1});
    const ElementPredictions repeated = prior.repeated(samples);
    for (int64_t c = 0; c < C; ++c) {
        const int64_t k = candidates[static_cast<size_t>(c)];
        const at::Tensor draws = model->draw(repeated, true, gen).select(1, k);  // from p(x_k | x_O)
        batchValues.narrow(0, c * samples, samples).select(1, k).copy_(draws);
        batchActive.narrow(0, c * samples, samples).select(1, k).fill_(1.0f);
    }
    const ElementPredictions post = model->forward(batchValues, batchActive, at::full({C * samples}, known + 2, at::kLong),
                                                 mode.repeat({C * samples}));
    // KL(N(m1, s1) || N(m0, s0)) for the target, averaged over the samples of each candidate (for a
    // mixture output, between the Gaussians of the same mean and variance).
    const at::Tensor m1 = post.mean.select(1, target), l1 = post.logStd.select(1, target);
    const at::Tensor kl = (priorLogStd - l1) + ((2 * l1).exp() + (m1 - priorMean).square()) / (2 * std::exp(2 * priorLogStd)) - 0.5;
    const at::Tensor info = kl.view({C, samples}).mean(1).to(at::kDouble).contiguous();
    std::vector<AcquisitionScore> ranked;
    for (int64_t c = 0; c < C; ++c) ranked.push_back({candidates[static_cast<size_t>(c)], info[c].item<double>()});
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const AcquisitionScore& a, const AcquisitionScore& b) { return a.information > b.information; });
    return ranked;
}

}  // namespace ms::sfarm
