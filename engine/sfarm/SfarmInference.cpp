#include "sfarm/SfarmInference.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "sfarm/SfarmObjective.h"

namespace ms::sfarm {

namespace {

void checkShapes(const SfarmNetwork& model, const at::Tensor& x, const at::Tensor& mask, const char* what) {
    const int64_t S = model.elementCount();
    if (x.dim() != 2 || x.size(1) != S || !mask.sizes().equals(x.sizes()))
        throw std::invalid_argument(std::string("SFARM: x and ") + what + " must be [B, " + std::to_string(S) + "]");
}

std::vector<bool> rowMask(const at::Tensor& mask, int64_t row) {
    const at::Tensor r = mask[row].to(at::kBool).contiguous();
    const bool* p = r.data_ptr<bool>();
    return std::vector<bool>(p, p + r.numel());
}

}  // namespace

at::Tensor sfarmImpute(const SfarmNetwork& model, const ElementGrid& grid, const at::Tensor& x, const at::Tensor& observed,
                       const ImputeSettings& settings, std::mt19937_64& rng) {
    checkShapes(model, x, observed, "observed");
    c10::InferenceMode guard;
    const int64_t B = x.size(0), S = x.size(1);
    // One order per row over its unobserved elements, cut into S' chunks.
    std::vector<std::vector<int64_t>> orders(static_cast<size_t>(B));
    int64_t longest = 0;
    for (int64_t b = 0; b < B; ++b) {
        std::vector<bool> missing = rowMask(observed, b);
        missing.flip();
        orders[static_cast<size_t>(b)] = sampleOrderOver(settings.mode, grid, missing, rng).order;
        longest = std::max<int64_t>(longest, static_cast<int64_t>(orders[static_cast<size_t>(b)].size()));
    }
    const int64_t calls = settings.steps > 0 ? std::min(settings.steps, std::max<int64_t>(longest, 1)) : longest;
    const at::Tensor observedF = observed.to(at::kFloat);
    at::Tensor active = observedF.clone();
    at::Tensor values = at::where(observed.to(at::kBool), x.to(at::kFloat), at::zeros_like(observedF));
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(rng());
    const at::Tensor modeIds = at::full({B}, static_cast<int64_t>(settings.mode), at::kLong);
    at::Tensor continuous = at::ones({1, S}, at::kBool);
    for (int64_t k = 0; k < S; ++k)
        if (!model.continuousElement(k)) continuous[0][k] = false;
    for (int64_t call = 0; call < calls; ++call) {
        const at::Tensor step = (active.sum(1).to(at::kLong) + 1).clamp_max(S);
        at::Tensor draw = model.elementDraw(values, active, step, modeIds, settings.sample, gen, settings.truncation);
        if (settings.lower.defined() && settings.upper.defined())
            draw = at::where(continuous, at::max(at::min(draw, settings.upper), settings.lower), draw);
        at::Tensor chosen = at::zeros({B, S});
        float* c = chosen.data_ptr<float>();
        for (int64_t b = 0; b < B; ++b) {
            const auto& order = orders[static_cast<size_t>(b)];
            const auto n = static_cast<int64_t>(order.size());
            const int64_t from = n * call / calls, to = n * (call + 1) / calls;
            for (int64_t t = from; t < to; ++t) c[b * S + order[static_cast<size_t>(t)]] = 1.0f;
        }
        values = at::where(chosen.to(at::kBool), draw, values);
        active = active + chosen;
    }
    // Observed entries come from the input itself, never from the network.
    return at::where(observed.to(at::kBool), x, values.to(x.scalar_type()));
}

at::Tensor sfarmLogLikelihood(const SfarmNetwork& model, const at::Tensor& x, const at::Tensor& observed,
                              const at::Tensor& target, int64_t orders, std::mt19937_64& rng) {
    checkShapes(model, x, observed, "observed");
    checkShapes(model, x, target, "target");
    if (orders < 1) throw std::invalid_argument("SFARM likelihood needs at least one order");
    if ((observed.to(at::kBool) & target.to(at::kBool)).any().item<bool>())
        throw std::invalid_argument("SFARM likelihood: target and observed elements overlap");
    c10::InferenceMode guard;
    const int64_t B = x.size(0), S = x.size(1);
    const ElementGrid line{1, S};
    // Elements neither observed nor scored may be missing (NaN): they never reach the network.
    const at::Tensor known = observed.to(at::kBool) | target.to(at::kBool);
    const at::Tensor xf = at::where(known, x.to(at::kFloat), at::zeros({B, S}));
    const at::Tensor random = at::full({B}, static_cast<int64_t>(MaskingMode::Random), at::kLong);
    std::vector<at::Tensor> perOrder;
    for (int64_t k = 0; k < orders; ++k) {
        std::vector<std::vector<int64_t>> order(static_cast<size_t>(B));
        int64_t longest = 0;
        for (int64_t b = 0; b < B; ++b) {
            order[static_cast<size_t>(b)] = sampleOrderOver(MaskingMode::Random, line, rowMask(target, b), rng).order;
            longest = std::max<int64_t>(longest, static_cast<int64_t>(order[static_cast<size_t>(b)].size()));
        }
        at::Tensor active = observed.to(at::kFloat).clone();
        at::Tensor logp = at::zeros({B}, at::kDouble);
        for (int64_t t = 0; t < longest; ++t) {
            const at::Tensor step = (active.sum(1).to(at::kLong) + 1).clamp_max(S);
            const at::Tensor ll = model.elementLogDensity(xf, active, step, random).to(at::kDouble);
            at::Tensor pick = at::zeros({B, S});
            float* p = pick.data_ptr<float>();
            for (int64_t b = 0; b < B; ++b)
                if (t < static_cast<int64_t>(order[static_cast<size_t>(b)].size()))
                    p[b * S + order[static_cast<size_t>(b)][static_cast<size_t>(t)]] = 1.0f;
            logp = logp + (ll * pick.to(at::kDouble)).sum(1);
            active = active + pick;
        }
        perOrder.push_back(logp);
    }
    return at::logsumexp(at::stack(perOrder), 0) - std::log(static_cast<double>(orders));
}

}  // namespace ms::sfarm
