#pragma once
// Samplers for any noise-predicting model eps(x_t, t): DDPM (ancestral, on the full or a
// respaced schedule), DDIM (any step count, any eta) and RePaint inpainting (Lugmayr et al.
// 2022; jump length and resample count exposed). Model-agnostic: they serve the mcLDM in
// latent space and pixel-space models alike.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <string>

#include "core/runtime/CancelToken.h"
#include "diffusion/NoiseSchedule.h"

namespace ms::diffusion {

// eps prediction for x at step indices t ([B] int64).
using NoiseModel = std::function<at::Tensor(const at::Tensor& x, const at::Tensor& t)>;
// After each denoising step: (steps done, steps in total, the current prediction of x0).
using StepCallback = std::function<void(int64_t done, int64_t total, const at::Tensor& x0Prediction)>;

enum class SamplerKind { Ddpm, Ddim };
const char* samplerKindName(SamplerKind kind);
SamplerKind parseSamplerKind(const std::string& name);  // "ddpm" / "ddim"; throws std::invalid_argument

struct SamplerSettings {
    SamplerKind kind = SamplerKind::Ddim;
    int64_t steps = 20;  // <= schedule.steps; DDPM with steps = schedule.steps is the original sampler
    double eta = 0.0;    // DDIM only: 0 deterministic, 1 DDPM-like noise
};

struct RepaintSettings {
    int64_t steps = 50;       // respaced DDPM steps
    int64_t jumpLength = 10;  // j: how far a resampling jump goes back up
    int64_t resamples = 5;    // r: passes over each jump segment (1 = no resampling)
};

struct SampleResult {
    at::Tensor x;  // the final x0 (the last prediction when cancelled)
    bool cancelled = false;
    int64_t stepsDone = 0;
    int64_t stepsTotal = 0;
};

// Starts from xT (e.g. standard normal noise) and denoises it. A cancelled token stops it after
// the current step (the result is the last prediction, marked cancelled).
SampleResult sampleDiffusion(const NoiseModel& model, const NoiseSchedule& schedule, const at::Tensor& xT,
                             const SamplerSettings& settings, at::Generator& generator,
                             const StepCallback& onStep = {}, const CancelToken& cancel = CancelToken());

// Inpainting: `known` holds x0 where keep = 1 (keep broadcastable to known's shape, values 0/1);
// the rest is generated consistently with it. The returned x equals `known` exactly where keep = 1.
SampleResult repaint(const NoiseModel& model, const NoiseSchedule& schedule, const at::Tensor& known,
                     const at::Tensor& keep, const RepaintSettings& settings, at::Generator& generator,
                     const StepCallback& onStep = {}, const CancelToken& cancel = CancelToken());

}  // namespace ms::diffusion
