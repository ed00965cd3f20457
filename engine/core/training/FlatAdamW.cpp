#include "core/training/FlatAdamW.h"

#include "core/runtime/OpenMpParts.h"

#include <ATen/Parallel.h>

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ms {

FlatAdamW::FlatAdamW(torch::nn::Module& module, AdamWSettings settings, int64_t spareGradientSlots) : m_settings(settings) {
    c10::NoGradGuard noGrad;
    const auto named = module.named_parameters(/*recurse=*/true);
    int64_t total = 0;
    for (const auto& p : named) total += p.value().numel();
    if (named.size() == 0) throw std::invalid_argument("FlatAdamW: module has no parameters");
    const auto options = named[0].value().options();
    m_params = at::empty({total}, options);
    if (spareGradientSlots < 0) throw std::invalid_argument("FlatAdamW: negative spare gradient slots");
    m_gradsWithSpare = at::zeros({total + spareGradientSlots}, options);
    m_grads = m_gradsWithSpare.narrow(0, 0, total);
    int64_t offset = 0;
    for (const auto& p : named) {
        at::Tensor param = p.value();
        const int64_t n = param.numel();
        at::Tensor slot = m_params.narrow(0, offset, n).view(param.sizes());
        slot.copy_(param);
        param.set_data(slot);  // the module now reads and writes the flat buffer
        m_gradViews[p.key()] = m_grads.narrow(0, offset, n).view(param.sizes());
        offset += n;
    }
    m_expAvg = at::zeros_like(m_params);
    m_expAvgSq = at::zeros_like(m_params);
    m_denom = at::empty_like(m_params);
}

at::Tensor& FlatAdamW::gradientOf(const std::string& name) {
    auto it = m_gradViews.find(name);
    if (it == m_gradViews.end()) throw std::invalid_argument("FlatAdamW: no parameter named '" + name + "'");
    return it->second;
}

namespace {

// The update below in one pass over the buffers (CPU): for small models the seven tensor ops
// cost more in dispatch than this loop in arithmetic. Same formulas, same order of operations.
template <typename T>
struct FusedAdamWCoefficients {
    T decay, beta2, oneMinusBeta1, oneMinusBeta2, rootBias2, eps, stepSize;
};

template <typename T>
__attribute__((noinline)) void fusedAdamWRange(T* __restrict param, const T* __restrict grad, T* __restrict expAvg,
                                               T* __restrict expAvgSq, int64_t n, const FusedAdamWCoefficients<T> c) {
    for (int64_t i = 0; i < n; ++i) {
        const T g = grad[i];
        param[i] *= c.decay;
        expAvg[i] += c.oneMinusBeta1 * (g - expAvg[i]);
        expAvgSq[i] = expAvgSq[i] * c.beta2 + c.oneMinusBeta2 * g * g;
        param[i] += c.stepSize * expAvg[i] / (std::sqrt(expAvgSq[i]) / c.rootBias2 + c.eps);
    }
}

template <typename T>
void fusedAdamW(T* param, const T* grad, T* expAvg, T* expAvgSq, int64_t n, double lr, const AdamWSettings& s, double bias1,
                double bias2) {
    const FusedAdamWCoefficients<T> c{static_cast<T>(1.0 - lr * s.weightDecay), static_cast<T>(s.beta2),
                                      static_cast<T>(1.0 - s.beta1),             static_cast<T>(1.0 - s.beta2),
                                      static_cast<T>(std::sqrt(bias2)),          static_cast<T>(s.eps),
                                      static_cast<T>(-lr / bias1)};
    // element-wise, so any split gives the same result; one part per 2^16 values at most
    const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), n >> 16));
    runOpenMpParts(parts, [&](int64_t i) {
        const int64_t begin = n * i / parts, end = n * (i + 1) / parts;
        fusedAdamWRange(param + begin, grad + begin, expAvg + begin, expAvgSq + begin, end - begin, c);
    });
}

}  // namespace

void FlatAdamW::step(double lr) {
    c10::NoGradGuard noGrad;
    const auto& s = m_settings;
    ++m_step;
    if (m_params.device().is_cpu() && (m_params.scalar_type() == at::kFloat || m_params.scalar_type() == at::kDouble)) {
        const double bias1 = 1.0 - std::pow(s.beta1, static_cast<double>(m_step));
        const double bias2 = 1.0 - std::pow(s.beta2, static_cast<double>(m_step));
        if (m_params.scalar_type() == at::kFloat)
            fusedAdamW(m_params.data_ptr<float>(), m_grads.data_ptr<float>(), m_expAvg.data_ptr<float>(), m_expAvgSq.data_ptr<float>(),
                       m_params.numel(), lr, s, bias1, bias2);
        else
            fusedAdamW(m_params.data_ptr<double>(), m_grads.data_ptr<double>(), m_expAvg.data_ptr<double>(),
                       m_expAvgSq.data_ptr<double>(), m_params.numel(), lr, s, bias1, bias2);
        return;
    }
    m_params.mul_(1.0 - lr * s.weightDecay);
    m_expAvg.lerp_(m_grads, 1.0 - s.beta1);
    m_expAvgSq.mul_(s.beta2).addcmul_(m_grads, m_grads, 1.0 - s.beta2);
    const double bias1 = 1.0 - std::pow(s.beta1, static_cast<double>(m_step));
    const double bias2 = 1.0 - std::pow(s.beta2, static_cast<double>(m_step));
    at::sqrt_out(m_denom, m_expAvgSq).div_(std::sqrt(bias2)).add_(s.eps);
    m_params.addcdiv_(m_expAvg, m_denom, -lr / bias1);
}

void FlatAdamW::setState(const AdamWState& state) {
    if (state.expAvg.numel() != m_params.numel() || state.expAvgSq.numel() != m_params.numel())
        throw std::invalid_argument("optimizer state has " + std::to_string(state.expAvg.numel()) +
                                    " values, the model has " + std::to_string(m_params.numel()) + " parameters");
    m_expAvg.copy_(state.expAvg.reshape(-1));
    m_expAvgSq.copy_(state.expAvgSq.reshape(-1));
    m_step = state.step;
}

}  // namespace ms
