#pragma once
// Using a trained SFARM: imputation / conditional generation from any observed subset (observed
// values are never altered), in S' <= S network calls, and the Monte Carlo likelihood of the
// unobserved elements over K uniform orders (seed 002 §3.6, eq. 14).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <random>

#include "sfarm/MaskingMode.h"
#include "sfarm/SfarmNetwork.h"

namespace ms::sfarm {

struct ImputeSettings {
    MaskingMode mode = MaskingMode::Random;
    int64_t steps = 0;   // S' network calls; 0 = one element per call
    bool sample = true;  // false: fill with the predicted means (point imputation)
    double truncation = 0.0;  // > 0: continuous draws within +-truncation sd (SfarmNetwork::elementDraw)
    // Optional [S] float tensors: continuous values are generated within [lower, upper] (e.g. the
    // range seen in training), so a completion can not leave the data's box.
    at::Tensor lower, upper;
};

// x: [B, S] (unobserved entries may hold anything, NaN included), observed: [B, S] bool.
// Returns x with the unobserved entries generated and the observed ones bit-identical.
at::Tensor sfarmImpute(const SfarmNetwork& model, const ElementGrid& grid, const at::Tensor& x, const at::Tensor& observed,
                       const ImputeSettings& settings, std::mt19937_64& rng);

// log p(x_T | x_O) per row, T = `target` ([B, S] bool, disjoint from `observed`), estimated as
// log mean_k p(x_T | x_O, order_k) over K uniform orders, one element per step. [B] double.
at::Tensor sfarmLogLikelihood(const SfarmNetwork& model, const at::Tensor& x, const at::Tensor& observed,
                              const at::Tensor& target, int64_t orders, std::mt19937_64& rng);

}  // namespace ms::sfarm
