#include "core/training/FlatAdamW.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <cmath>
#include <stdexcept>

namespace ms {

FlatAdamW::FlatAdamW(torch::nn::Module& module, AdamWSettings settings) : m_settings(settings) {
    c10::NoGradGuard noGrad;
    const auto named = module.named_parameters(/*recurse=*/true);
    int64_t total = 0;
    for (const auto& p : named) total += p.value().numel();
    if (named.size() == 0) throw std::invalid_argument("FlatAdamW: module has no parameters");
    const auto options = named[0].value().options();
    m_params = at::empty({total}, options);
    m_grads = at::zeros({total}, options);
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

void FlatAdamW::step(double lr) {
    c10::NoGradGuard noGrad;
    const auto& s = m_settings;
    ++m_step;
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
