#pragma once
// Test networks for the mask prior (engine/partial/MaskPrior): the exact posterior of i.i.d. 50 %
// masks, so a sampler's output is known without training a network.
#include <ATen/ATen.h>

#include <cstdint>

#include "partial/MaskPrior.h"

namespace ms::partial {

// The exact posterior of i.i.d. 50 % masks: p_hat = theta_1 = sigmoid(log-odds). Reading theta the
// network returns its logit; reading the scaled log-odds it scales them back.
class IidPosterior : public PartialDenoiser {
public:
    IidPosterior(int64_t dims, BfnSchedule schedule) : m_dims(dims), m_schedule(schedule) {}
    int64_t dims() const override { return m_dims; }
    at::Tensor predictClean(const at::Tensor& t1000, const at::Tensor& input, const at::Tensor&, const ConditionInput*) override {
        if (m_schedule.input == BfnInput::Theta) return at::logit(input.clamp(1e-6, 1 - 1e-6));
        const at::Tensor beta = (m_schedule.beta1 * (t1000 / 1000.0).pow(2)).view({-1, 1});
        return input * (2.0 * (beta + beta * beta).sqrt()).clamp_min(0.05);
    }

private:
    int64_t m_dims;
    BfnSchedule m_schedule;
};

}  // namespace ms::partial
