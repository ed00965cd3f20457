#pragma once
// The DDPM forward process (Ho et al. 2020) as the mcLDM paper uses it: T = 1000 steps, betas
// linear from 1e-4 to 0.02. Host copies of alpha-bar drive the samplers' scalar arithmetic.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "core/training/BatchShard.h"

namespace ms::diffusion {

struct NoiseSchedule {
    int64_t steps = 1000;
    double betaStart = 1e-4;
    double betaEnd = 0.02;
    std::vector<double> alphaBar;  // [steps]: prod_{s <= t} (1 - beta_s), t = 0 .. steps-1

    static NoiseSchedule linear(int64_t steps = 1000, double betaStart = 1e-4, double betaEnd = 0.02);

    // x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) noise, t a [B] int64 tensor of step indices.
    at::Tensor addNoise(const at::Tensor& x0, const at::Tensor& t, const at::Tensor& noise) const;
};

// Standard normal noise shaped like `like`, drawn on the CPU from `generator` (so a seed gives
// the same numbers on every device) and moved to like's device. With a data-parallel shard, drawn
// for the step's global batch (like's rows being the shard's) and the shard's rows kept.
at::Tensor gaussianNoiseLike(const at::Tensor& like, at::Generator& generator, const BatchShard& shard = {});

// `count` step indices spread evenly over [0, steps), descending, always starting at steps-1
// and ending at 0 (the timesteps of a DDIM / respaced sampler with `count` steps).
std::vector<int64_t> spacedTimesteps(int64_t steps, int64_t count);

}  // namespace ms::diffusion
