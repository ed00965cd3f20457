#pragma once
// An exponential moving average of a module's weights over the updates of a run: after each
// update avg = d_n avg + (1 - d_n) w (started from the weights after the first update), and at the
// end the average replaces the weights. d_n = min(d, (1 + n) / (10 + n)) after n earlier updates:
// a short run's average does not keep its first, untrained weights (with d = 0.999 they would
// still weigh 22 % after 1,500 updates). The last weights of a run still move with its last
// minibatches; the average is what they hover around. Kept in one flat buffer beside the module.
#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <cstdint>
#include <vector>

namespace ms {

class WeightAverage {
public:
    // decay in [0, 1); 0: inactive (update() and copyInto() do nothing).
    // Throws std::invalid_argument for a decay outside [0, 1).
    WeightAverage(torch::nn::Module& module, double decay);

    bool active() const { return m_decay > 0.0; }
    void update();                           // after an optimizer step
    int64_t updates() const { return m_updates; }
    // The averaged weights into the module (nothing when inactive or before the first update).
    void copyInto();

private:
    std::vector<at::Tensor> m_parameters;
    double m_decay;
    at::Tensor m_average;  // every parameter, flattened and concatenated
    int64_t m_updates = 0;
};

}  // namespace ms
