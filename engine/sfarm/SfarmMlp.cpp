#include "sfarm/SfarmMlp.h"

#include <ATen/ATen.h>

#include <stdexcept>

#include "sfarm/MaskingMode.h"

namespace ms {

SfarmMlpImpl::SfarmMlpImpl(SfarmMlpConfig config) : m_config(config) {
    if (config.elements < 1 || config.hidden < 1 || config.layers < 1 || config.embedding < 1)
        throw std::invalid_argument("SFARM MLP: elements, hidden, layers and embedding must be positive");
    m_step = register_module("step", torch::nn::Embedding(config.elements + 1, config.embedding));
    m_mode = register_module("mode", torch::nn::Embedding(kMaskingModeCount, config.embedding));
    int64_t width = 2 * config.elements + 2 * config.embedding;
    for (int64_t l = 0; l < config.layers; ++l) {
        m_layers.push_back(register_module("layer" + std::to_string(l), torch::nn::Linear(width, config.hidden)));
        width = config.hidden;
    }
    m_layers.push_back(register_module("head", torch::nn::Linear(width, 2 * config.elements)));
}

ElementGaussians SfarmMlpImpl::forward(const at::Tensor& x, const at::Tensor& active, const at::Tensor& step,
                                       const at::Tensor& mode) const {
    at::Tensor h = at::cat({x * active, active, at::embedding(m_step->weight, step), at::embedding(m_mode->weight, mode)}, 1);
    for (size_t l = 0; l + 1 < m_layers.size(); ++l) h = at::silu(at::linear(h, m_layers[l]->weight, m_layers[l]->bias));
    const at::Tensor out = at::linear(h, m_layers.back()->weight, m_layers.back()->bias);
    const int64_t S = m_config.elements;
    return {out.narrow(1, 0, S), out.narrow(1, S, S).clamp(-7.0, 5.0)};
}

}  // namespace ms
