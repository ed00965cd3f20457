#include "core/training/WeightAverage.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace ms {

WeightAverage::WeightAverage(torch::nn::Module& module, double decay) : m_parameters(module.parameters()), m_decay(decay) {
    if (!(decay >= 0.0 && decay < 1.0))
        throw std::invalid_argument("weight average: the decay per update must be in [0, 1), not " + std::to_string(decay));
}

void WeightAverage::update() {
    if (!active() || m_parameters.empty()) return;
    const c10::NoGradGuard noGrad;
    std::vector<at::Tensor> parts;
    parts.reserve(m_parameters.size());
    for (const at::Tensor& p : m_parameters) parts.push_back(p.detach().reshape(-1));
    const at::Tensor now = at::cat(parts);
    if (!m_average.defined()) m_average = now;  // at::cat made a copy
    else {
        const double n = static_cast<double>(m_updates);
        const double decay = std::min(m_decay, (1.0 + n) / (10.0 + n));
        m_average.mul_(decay).add_(now, 1.0 - decay);
    }
    ++m_updates;
}

void WeightAverage::copyInto() {
    if (!m_average.defined()) return;
    const c10::NoGradGuard noGrad;
    int64_t offset = 0;
    for (at::Tensor& p : m_parameters) {
        p.detach().copy_(m_average.narrow(0, offset, p.numel()).view_as(p));
        offset += p.numel();
    }
}

}  // namespace ms
