#pragma once
// Active information acquisition for any SFARM network (the MLP for vectors, the U-Net for
// images) and any set of target elements (seed 002 §3.7, METHODS.md §2): for every candidate
// element k, a Monte Carlo estimate of
//     sum over targets t of I(x_t; x_k | x_O)
//       = sum_t E_{x_k ~ p(x_k | x_O), x_t ~ p(x_t | x_O, x_k)} [log p(x_t | x_O, x_k) - log p(x_t | x_O)],
// read from the network's own conditionals (no latent variable to integrate out, no Gaussian
// approximation): draws of x_k at step |O| + 1, then per draw the targets drawn and scored at
// step |O| + 2 and scored again at step |O| + 1. Per target element the estimate is unbiased for
// that element's mutual information; the sum ignores the targets' dependence on each other (for
// one target it is exact). Cost: 3 network calls per (candidate, sample) row, batched.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <random>
#include <vector>

#include "sfarm/SfarmNetwork.h"

namespace ms {

struct ElementInformation {
    int64_t element = 0;
    double information = 0.0;  // nats, summed over the targets; may dip below 0 by Monte Carlo noise
};

struct InformationGainSettings {
    int64_t samples = 8;      // draws of x_k (and the targets) per candidate
    int64_t batchRows = 512;  // (candidate, sample) rows per network call
};

// x: [S] values (unobserved entries are ignored, NaN allowed), observed and target: [S] bool,
// disjoint. candidates: elements neither observed nor target (empty: all of them). Returns every
// candidate, the most informative first.
std::vector<ElementInformation> rankByInformationGain(const SfarmNetwork& model, const at::Tensor& x,
                                                      const at::Tensor& observed, const at::Tensor& target,
                                                      std::vector<int64_t> candidates,
                                                      const InformationGainSettings& settings, std::mt19937_64& rng);

}  // namespace ms
