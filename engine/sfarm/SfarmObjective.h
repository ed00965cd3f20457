#pragma once
// The simplified SFARM objective (seed 002, METHODS.md §2): for a step i drawn uniformly and an
// activation mask z_{i-1} drawn from the mode's marginal, minimise
//   -S / (S - i + 1) * sum over inactive (and observed) k of log p(x_k | x_z, i, m).
// With one mode and uniform activation this is the ARDM objective.
#include <ATen/core/Tensor.h>

#include <random>
#include <vector>

#include "sfarm/MaskingMode.h"

namespace ms::sfarm {

struct TrainingMasks {
    at::Tensor active;  // [B, S] float {0, 1}: z_{i-1}
    at::Tensor step;    // [B] long: i in 1..S
    at::Tensor mode;    // [B] long
};

// One draw per row: mode uniform over `modes`, i ~ U{1..S}, z_{i-1} = the first i-1 elements of
// an order sampled for that mode.
TrainingMasks drawTrainingMasks(int64_t batch, const ElementGrid& grid, const std::vector<MaskingMode>& modes,
                                std::mt19937_64& rng);

// Mean over the batch of the weighted negative log-likelihood of the inactive elements, from the
// per-element log densities ([B, S], SfarmMlpImpl::logDensity); `observed` ([B, S] {0, 1})
// removes missing training values from the sum (pass ones for complete data).
at::Tensor sfarmLoss(const at::Tensor& logDensity, const at::Tensor& observed, const TrainingMasks& masks);

}  // namespace ms::sfarm
