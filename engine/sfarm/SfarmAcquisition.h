#pragma once
// Sequential active information acquisition with SFARM (seed 002 §3.7, eq. 15): rank the
// unobserved features by the estimated mutual information with a target,
//   I(x_T; x_k | x_O) = E_{x_k ~ p(x_k | x_O)} KL( p(x_T | x_O, x_k) || p(x_T | x_O) ),
// with both conditionals read directly off the network (no latent variable to integrate out).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <random>
#include <vector>

#include "sfarm/SfarmMlp.h"

namespace ms::sfarm {

struct AcquisitionScore {
    int64_t element = 0;
    double information = 0.0;  // nats
};

// x: [S] (values of unobserved elements are ignored), observed: S flags, target: an element
// that is not observed. Returns every unobserved non-target element, most informative first.
std::vector<AcquisitionScore> rankAcquisition(const SfarmMlp& model, const at::Tensor& x, const std::vector<bool>& observed,
                                              int64_t target, int64_t samples, std::mt19937_64& rng);

}  // namespace ms::sfarm
