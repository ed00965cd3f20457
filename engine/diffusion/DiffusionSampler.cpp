#include "diffusion/DiffusionSampler.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/runtime/ThreadBudget.h"

namespace ms::diffusion {
namespace {

at::Tensor stepTensor(int64_t t, const at::Tensor& like) {
    return at::full({like.size(0)}, t, like.options().dtype(at::kLong));
}

at::Tensor predictX0(const at::Tensor& x, const at::Tensor& eps, double abT) {
    return (x - std::sqrt(1.0 - abT) * eps) / std::sqrt(abT);
}

// One ancestral step of the (respaced) DDPM posterior q(x_prev | x_t, x0).
at::Tensor ddpmStep(const at::Tensor& x, const at::Tensor& x0, double abT, double abPrev, bool last,
                    at::Generator& generator) {
    const double beta = 1.0 - abT / abPrev;
    const double c0 = std::sqrt(abPrev) * beta / (1.0 - abT);
    const double ct = std::sqrt(1.0 - beta) * (1.0 - abPrev) / (1.0 - abT);
    at::Tensor mean = c0 * x0 + ct * x;
    if (last) return mean;
    const double var = beta * (1.0 - abPrev) / (1.0 - abT);
    return mean + std::sqrt(var) * gaussianNoiseLike(x, generator);
}

}  // namespace

const char* samplerKindName(SamplerKind kind) { return kind == SamplerKind::Ddpm ? "ddpm" : "ddim"; }

SamplerKind parseSamplerKind(const std::string& name) {
    if (name == "ddpm") return SamplerKind::Ddpm;
    if (name == "ddim") return SamplerKind::Ddim;
    throw std::invalid_argument("unknown sampler '" + name + "' (ddpm or ddim)");
}

SampleResult sampleDiffusion(const NoiseModel& model, const NoiseSchedule& schedule, const at::Tensor& xT,
                             const SamplerSettings& settings, at::Generator& generator, const StepCallback& onStep,
                             const CancelToken& cancel) {
    if (settings.eta < 0.0 || !std::isfinite(settings.eta))
        throw std::invalid_argument("DDIM eta must be a finite value >= 0");
    torch::NoGradGuard noGrad;
    const std::vector<int64_t> ts = spacedTimesteps(schedule.steps, settings.steps);
    SampleResult r;
    r.stepsTotal = static_cast<int64_t>(ts.size());
    at::Tensor x = xT;
    at::Tensor x0;
    for (std::size_t i = 0; i < ts.size(); ++i) {
        const int64_t t = ts[i];
        const bool last = i + 1 == ts.size();
        const double abT = schedule.alphaBar[static_cast<std::size_t>(t)];
        const double abPrev = last ? 1.0 : schedule.alphaBar[static_cast<std::size_t>(ts[i + 1])];
        const at::Tensor eps = model(x, stepTensor(t, x));
        x0 = predictX0(x, eps, abT);
        if (settings.kind == SamplerKind::Ddpm) {
            x = ddpmStep(x, x0, abT, abPrev, last, generator);
        } else {
            const double sigma = settings.eta * std::sqrt((1.0 - abPrev) / (1.0 - abT)) * std::sqrt(1.0 - abT / abPrev);
            x = std::sqrt(abPrev) * x0 + std::sqrt(std::max(0.0, 1.0 - abPrev - sigma * sigma)) * eps;
            if (sigma > 0.0 && !last) x = x + sigma * gaussianNoiseLike(x, generator);
        }
        r.stepsDone = static_cast<int64_t>(i) + 1;
        if (onStep) onStep(r.stepsDone, r.stepsTotal, last ? x : x0);
        followThreadShare();
        if (!last && cancel.cancelled()) {
            r.cancelled = true;
            r.x = x0;
            return r;
        }
    }
    r.x = x;
    return r;
}

SampleResult repaint(const NoiseModel& model, const NoiseSchedule& schedule, const at::Tensor& known,
                     const at::Tensor& keep, const RepaintSettings& settings, at::Generator& generator,
                     const StepCallback& onStep, const CancelToken& cancel) {
    if (settings.jumpLength < 1) throw std::invalid_argument("RePaint jump length must be at least 1");
    if (settings.resamples < 1) throw std::invalid_argument("RePaint resample count must be at least 1");
    torch::NoGradGuard noGrad;
    std::vector<int64_t> ts = spacedTimesteps(schedule.steps, settings.steps);
    std::reverse(ts.begin(), ts.end());  // ascending: index i holds x at step ts[i]
    const int64_t n = static_cast<int64_t>(ts.size());
    const auto ab = [&](int64_t index) { return index < 0 ? 1.0 : schedule.alphaBar[static_cast<std::size_t>(ts[static_cast<std::size_t>(index)])]; };
    const at::Tensor keepMask = keep.to(known.options()).expand_as(known);
    const auto merge = [&](const at::Tensor& x, int64_t index) {
        at::Tensor knownAt = known;
        if (index >= 0)
            knownAt = std::sqrt(ab(index)) * known + std::sqrt(1.0 - ab(index)) * gaussianNoiseLike(known, generator);
        return keepMask * knownAt + (1.0 - keepMask) * x;
    };

    std::vector<int64_t> jumpsLeft(static_cast<std::size_t>(n), 0);
    for (int64_t k = 0; k + settings.jumpLength < n; k += settings.jumpLength)
        jumpsLeft[static_cast<std::size_t>(k)] = settings.resamples - 1;
    int64_t total = n;
    for (int64_t k = 0; k < n; ++k) total += jumpsLeft[static_cast<std::size_t>(k)] * settings.jumpLength;

    SampleResult r;
    r.stepsTotal = total;
    at::Tensor x = merge(gaussianNoiseLike(known, generator), n - 1);
    int64_t i = n - 1;
    while (i >= 0) {
        const double abT = ab(i), abPrev = ab(i - 1);
        const at::Tensor eps = model(x, stepTensor(ts[static_cast<std::size_t>(i)], x));
        const at::Tensor x0 = predictX0(x, eps, abT);
        x = merge(ddpmStep(x, x0, abT, abPrev, i == 0, generator), i - 1);
        --i;
        ++r.stepsDone;
        if (onStep) onStep(r.stepsDone, total, i < 0 ? x : merge(x0, -1));
        followThreadShare();
        if (i >= 0 && cancel.cancelled()) {
            r.cancelled = true;
            r.x = merge(x0, -1);
            return r;
        }
        if (i >= 0 && jumpsLeft[static_cast<std::size_t>(i)] > 0) {
            --jumpsLeft[static_cast<std::size_t>(i)];
            for (int64_t j = 0; j < settings.jumpLength && i + 1 < n; ++j) {
                const double beta = 1.0 - ab(i + 1) / ab(i);  // forward q(x_{i+1} | x_i)
                x = std::sqrt(1.0 - beta) * x + std::sqrt(beta) * gaussianNoiseLike(x, generator);
                ++i;
            }
        }
    }
    r.x = x;
    return r;
}

}  // namespace ms::diffusion
