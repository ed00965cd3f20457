#pragma once
// AdamW over one flat parameter buffer: every parameter of a module is re-homed as a view of a
// single contiguous tensor (and its gradient of a second one), so an update is seven tensor
// ops whatever the number of layers. For the small models of this project the per-op
// overhead, not the arithmetic, dominates a training step.
#include <torch/nn/module.h>

#include <map>
#include <string>

#include "core/training/AdamWSettings.h"

namespace ms {

struct AdamWState {
    at::Tensor expAvg;
    at::Tensor expAvgSq;
    int64_t step = 0;
};

class FlatAdamW {
public:
    // spareGradientSlots: entries after the gradients in the same buffer (gradientsWithSpare()),
    // for values that travel with the gradients in one exchange (data parallel: the step's loss).
    FlatAdamW(torch::nn::Module& module, AdamWSettings settings, int64_t spareGradientSlots = 0);

    // The gradient buffer slice that belongs to a parameter (by its dotted module name).
    at::Tensor& gradientOf(const std::string& name);
    const at::Tensor& parameters() const { return m_params; }
    const at::Tensor& gradients() const { return m_grads; }
    const at::Tensor& gradientsWithSpare() const { return m_gradsWithSpare; }  // gradients(), then the spare slots

    void step(double lr);  // uses gradients(), which the caller has filled
    const AdamWSettings& settings() const { return m_settings; }
    AdamWState state() const { return {m_expAvg, m_expAvgSq, m_step}; }
    void setState(const AdamWState& state);  // throws std::invalid_argument on a size mismatch

private:
    AdamWSettings m_settings;
    at::Tensor m_params, m_gradsWithSpare, m_grads, m_expAvg, m_expAvgSq, m_denom;
    int64_t m_step = 0;
    std::map<std::string, at::Tensor> m_gradViews;
};

}  // namespace ms
