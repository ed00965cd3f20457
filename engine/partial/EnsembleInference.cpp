#include "partial/EnsembleInference.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "partial/GuidedContexts.h"
#include "partial/PartialTrainer.h"

namespace ms::partial {

std::string omegaScheduleName(OmegaSchedule omega) {
    switch (omega) {
        case OmegaSchedule::AlphaBar: return "alphabar";
        case OmegaSchedule::OneMinusAlphaBar: return "1-alphabar";
        case OmegaSchedule::Linear: return "linear";
    }
    return "alphabar";
}

OmegaSchedule parseOmegaSchedule(const std::string& name) {
    for (OmegaSchedule o : {OmegaSchedule::AlphaBar, OmegaSchedule::OneMinusAlphaBar, OmegaSchedule::Linear})
        if (omegaScheduleName(o) == name) return o;
    throw std::invalid_argument("unknown omega schedule '" + name + "' (alphabar, 1-alphabar, linear)");
}

MaskDistribution MaskDistribution::measure(const at::Tensor& observed, const std::vector<int64_t>& groupOf) {
    MaskDistribution d;
    d.groupOf = groupOf;
    const int64_t entries = observed.size(1), groups = groupCount(groupOf, entries);
    const at::Tensor rate = (observed > 0.5).to(at::kDouble).mean(0).cpu();  // per entry
    std::vector<double> sum(static_cast<std::size_t>(groups), 0.0), count(static_cast<std::size_t>(groups), 0.0);
    for (int64_t e = 0; e < entries; ++e) {
        const auto g = static_cast<std::size_t>(groupOf.empty() ? e : groupOf[static_cast<std::size_t>(e)]);
        sum[g] += rate[e].item<double>();
        count[g] += 1.0;
    }
    for (std::size_t g = 0; g < sum.size(); ++g) d.groupRate.push_back(count[g] > 0 ? sum[g] / count[g] : 0.0);
    return d;
}

at::Tensor MaskDistribution::draw(int64_t rows, int64_t entries, at::Generator& generator) const {
    const at::Tensor rate = at::tensor(groupRate, at::TensorOptions().dtype(at::kDouble)).to(at::kFloat);
    at::Tensor m = (at::rand({rows, rate.size(0)}, generator, at::TensorOptions().dtype(at::kFloat)) < rate).to(at::kFloat);
    if (!groupOf.empty()) m = m.index_select(1, at::tensor(groupOf, at::TensorOptions().dtype(at::kLong)));
    if (m.size(1) != entries) throw std::invalid_argument("mask distribution does not match the data's entries");
    return m;
}

namespace {

// The mean over K members of the network's u_0 estimate at step t, each member with its own mask:
// contextOf(rowsTimesK) gives [R*K, D] contexts. state: [R, D] noisy values (before masking).
template <typename ContextOf>
at::Tensor memberMean(const PartialModelParts& model, const at::Tensor& state, int64_t t, int64_t members,
                      const ConditionInput* conditions, at::Generator& generator, const ContextOf& contextOf) {
    const int64_t rows = state.size(0), dims = state.size(1);
    const at::Tensor repeated = state.repeat_interleave(members, 0);
    const at::Tensor context = contextOf(repeated.size(0), generator).to(state.device());
    const at::Tensor steps = at::full({repeated.size(0)}, t, at::TensorOptions().dtype(at::kLong).device(state.device()));
    ConditionInput repeatedConditions;
    if (conditions) {
        const at::Tensor index = at::arange(rows, at::TensorOptions().dtype(at::kLong).device(state.device())).repeat_interleave(members);
        repeatedConditions = conditions->select(index);
    }
    const at::Tensor predicted =
        model.net->predictClean(steps, context * repeated, context, conditions ? &repeatedConditions : nullptr);
    return predicted.view({rows, members, dims}).mean(1);
}

double omegaAt(const PartialModelParts& model, const EnsembleSettings& s, int64_t t) {
    const double abar = model.schedule.alphaBar[static_cast<std::size_t>(t)];
    switch (s.omega) {
        case OmegaSchedule::AlphaBar: return abar;
        case OmegaSchedule::OneMinusAlphaBar: return 1.0 - abar;
        case OmegaSchedule::Linear: return static_cast<double>(t) / static_cast<double>(model.schedule.steps - 1);
    }
    return abar;
}

at::Tensor completeChunk(const PartialModelParts& model, const at::Tensor& uObs, const at::Tensor& mask,
                         const ConditionInput* conditions, const EnsembleSettings& s, const at::Tensor& rowPriorMasks,
                         at::Generator& generator) {
    const auto& abar = model.schedule.alphaBar;
    const at::Tensor repeatedMask = mask.repeat_interleave(s.members, 0);
    const auto insideObserved = [&](int64_t, at::Generator& g) {
        return rowPriorMasks.defined() ? intersectionContextMask(repeatedMask, memberRowPriorMasks(rowPriorMasks, s.members))
                                       : drawContextMask(repeatedMask, model.context, g);
    };
    // E[u_0 | u_obs, M]: the observed entries at a small noise level, contexts inside M.
    const int64_t small = s.smallNoiseStep;
    const at::Tensor smallNoise = diffusion::gaussianNoiseLike(uObs, generator);
    const at::Tensor tSmall = at::full({uObs.size(0)}, small, at::TensorOptions().dtype(at::kLong).device(uObs.device()));
    const at::Tensor noisyObserved = mask * model.schedule.addNoise(uObs, tSmall, smallNoise);
    const at::Tensor givenObserved = memberMean(model, noisyObserved, small, s.members, conditions, generator, insideObserved);
    if (s.steps == 0) return at::where(mask > 0.5, uObs, givenObserved);

    const auto fromDistribution = [&](int64_t rows, at::Generator& g) {
        return drawContextMask(model.masks.draw(rows, uObs.size(1), g), model.context, g);
    };
    const std::vector<int64_t> ts = diffusion::spacedTimesteps(model.schedule.steps, s.steps);
    const at::Tensor observedNoise = diffusion::gaussianNoiseLike(uObs, generator);
    const auto forward = [&](double a, const at::Tensor& x0, const at::Tensor& eps) {
        return std::sqrt(a) * x0 + std::sqrt(1.0 - a) * eps;
    };
    at::Tensor x = at::where(mask > 0.5, forward(abar[static_cast<std::size_t>(ts[0])], uObs, observedNoise),
                             diffusion::gaussianNoiseLike(uObs, generator));
    at::Tensor x0;
    for (std::size_t i = 0; i < ts.size(); ++i) {
        const int64_t t = ts[i];
        const double a = abar[static_cast<std::size_t>(t)], omega = omegaAt(model, s, t);
        const at::Tensor givenState = memberMean(model, x, t, s.members, conditions, generator, fromDistribution);
        x0 = omega * givenState + (1.0 - omega) * givenObserved;
        if (i + 1 == ts.size()) break;
        // RePaint-style merge: observed entries follow their own forward process from the known
        // values (u_obs, eps_obs); the others take the DDIM step from the estimate.
        const at::Tensor epsEstimate = (x - std::sqrt(a) * x0) / std::sqrt(std::max(1.0 - a, 1e-12));
        const at::Tensor eps = mask * observedNoise + (1.0 - mask) * epsEstimate;
        x = forward(abar[static_cast<std::size_t>(ts[i + 1])], at::where(mask > 0.5, uObs, x0), eps);
    }
    return at::where(mask > 0.5, uObs, x0);
}

}  // namespace

at::Tensor ensembleComplete(const PartialModelParts& model, const at::Tensor& values, const at::Tensor& observed,
                            const ConditionInput* conditions, const EnsembleSettings& s) {
    if (s.members < 1 || s.steps == 1 || s.steps < 0 || s.steps > model.schedule.steps || s.smallNoiseStep < 0 ||
        s.smallNoiseStep >= model.schedule.steps || s.chunkRows < 0)
        throw std::invalid_argument("ensemble inference: members must be >= 1, steps 0 (single step) or 2.." +
                                    std::to_string(model.schedule.steps) + ", the small-noise step in 0.." +
                                    std::to_string(model.schedule.steps - 1));
    if (values.dim() != 2 || !values.sizes().equals(observed.sizes()) || values.size(1) != model.net->dims())
        throw std::invalid_argument("ensemble inference: values and mask must both be [rows, " +
                                    std::to_string(model.net->dims()) + "]");
    if (conditions && conditions->rows() != values.size(0))
        throw std::invalid_argument("ensemble inference: conditions and values have different row counts");
    if (s.rowPriorMasks.defined()) checkRowPriorMasks(s.rowPriorMasks, values.size(0), values.size(1), "ensemble inference");
    torch::NoGradGuard noGrad;
    model.net->eval();
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(s.seed);
    const at::Tensor mask = (observed > 0.5).to(at::kFloat);
    const at::Tensor uObs = observedValues(values.to(at::kFloat), mask);
    const int64_t rowsPerCall = s.chunkRows > 0 ? s.chunkRows : model.net->rowsPerCall(values.device());
    const int64_t rows = values.size(0), chunk = std::max<int64_t>(1, rowsPerCall / s.members);
    std::vector<at::Tensor> parts;
    for (int64_t begin = 0; begin < rows; begin += chunk) {
        const int64_t n = std::min(chunk, rows - begin);
        ConditionInput sliced;
        if (conditions) sliced = conditions->slice(begin, begin + n);
        const at::Tensor rowPriorMasks = s.rowPriorMasks.defined() ? s.rowPriorMasks.narrow(0, begin, n) : at::Tensor();
        parts.push_back(completeChunk(model, uObs.narrow(0, begin, n), mask.narrow(0, begin, n),
                                      conditions ? &sliced : nullptr, s, rowPriorMasks, generator));
    }
    return parts.empty() ? uObs.clone() : at::cat(parts, 0);
}

}  // namespace ms::partial
