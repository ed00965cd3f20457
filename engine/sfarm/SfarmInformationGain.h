#pragma once
// Active information acquisition for any SFARM network (the MLP for vectors, the U-Net for
// images) and any set of target elements (seed 002 §3.7, METHODS.md §2): for every candidate
// element k, a Monte Carlo estimate of
//     sum over targets t of I(x_t; x_k | x_O)
//       = sum_t E_{x_k ~ p(x_k | x_O), x_t ~ p(x_t | x_O, x_k)} [log p(x_t | x_O, x_k) - log p(x_t | x_O)],
// read from the network's own conditionals (no latent variable to integrate out, no Gaussian
// approximation): draws of x_k at step |O| + 1, then per draw the targets drawn and scored at
// step |O| + 2; p(x_t | x_O) is the mixture of those step |O| + 2 conditionals over J draws of
// x_k (nested Monte Carlo: consistent as J grows, biased low by at most log J ... 0 for finite J,
// never negative in expectation). Scoring the prior with the network's own step |O| + 1
// conditional instead is unbiased only for a network whose conditionals agree with each other;
// a small or briefly trained one does not, and then an uninformative element can come out
// ahead (seen on an 8 x 8 U-Net: 1.4 nats, above the log 2 a binary kind can carry). The sum
// over targets ignores their dependence on each other (for one target it is exact).
// Cost: 2 + J network rows per (candidate, sample), batched.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <random>
#include <vector>

#include "sfarm/SfarmNetwork.h"

namespace ms::sfarm {

struct ElementInformation {
    int64_t element = 0;
    double information = 0.0;  // nats, summed over the targets; may dip below 0 by Monte Carlo noise
};

struct InformationGainSettings {
    int64_t samples = 8;      // draws of x_k (and the targets) per candidate
    int64_t batchRows = 512;  // (candidate, sample) rows per network call
    int64_t marginalDraws = 16;  // J: draws of x_k in the mixture that stands for p(x_t | x_O)
};

// x: [S] values (unobserved entries are ignored, NaN allowed), observed and target: [S] bool,
// disjoint. candidates: elements neither observed nor target (empty: all of them). Returns every
// candidate, the most informative first.
std::vector<ElementInformation> rankByInformationGain(const SfarmNetwork& model, const at::Tensor& x,
                                                      const at::Tensor& observed, const at::Tensor& target,
                                                      std::vector<int64_t> candidates,
                                                      const InformationGainSettings& settings, std::mt19937_64& rng);

}  // namespace ms::sfarm
