#include "partial/MaskPrior.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/training/MinibatchAdamW.h"
#include "core/training/WeightAverage.h"

namespace ms::partial {
namespace {

constexpr double kClasses = 2.0;  // K: missing, observed

void checkMasks(const at::Tensor& masks, const char* what) {
    if (!masks.defined() || masks.dim() != 2 || masks.size(0) < 1 || masks.size(1) < 1)
        throw std::invalid_argument(std::string(what) + ": expected [rows, entries] masks");
    if (!at::logical_or(masks == 0, masks == 1).all().item<bool>())
        throw std::invalid_argument(std::string(what) + ": masks must be 0 (missing) or 1 (observed)");
}

// The guidance loss G (normalised over the whole batch) and its gradient with respect to `state`,
// which maps to the belief's log-odds through `toLogOdds`.
at::Tensor guidanceGradient(PartialDenoiser& net, const at::Tensor& state, const at::Tensor& t, const at::Tensor& anchors,
                            const BfnSchedule& schedule, const std::function<at::Tensor(const at::Tensor&)>& toLogOdds) {
    const torch::AutoGradMode enable(true);
    const at::Tensor s = state.detach().requires_grad_(true);
    const at::Tensor p = observedProbability(net, toLogOdds(s), t, schedule).clamp_min(1e-6);
    const at::Tensor loss = -(anchors * p.log()).sum() / anchors.sum().clamp_min(1.0);
    return torch::autograd::grad({loss}, {s})[0];
}

}  // namespace

at::Tensor observedProbability(PartialDenoiser& net, const at::Tensor& logOdds, const at::Tensor& t, const BfnSchedule& schedule) {
    if (schedule.input == BfnInput::Theta) {
        const at::Tensor theta1 = at::sigmoid(logOdds);
        return at::sigmoid(net.predictClean(t * 1000.0, theta1, at::ones_like(theta1), nullptr));
    }
    // The scale has a floor: near t = 0 it goes to 0, and a state the sender could not have made
    // (guidance moves the log-odds at t = 0) must not reach the network multiplied by 1e6; the
    // clamp keeps any such state inside the range the network was trained on.
    const at::Tensor beta = (schedule.beta1 * t * t).view({-1, 1});
    const at::Tensor input = (logOdds / (2.0 * (beta + beta * beta).sqrt()).clamp_min(0.05)).clamp(-8.0, 8.0);
    return at::sigmoid(net.predictClean(t * 1000.0, input, at::ones_like(input), nullptr));
}

at::Tensor bfnSenderSample(const at::Tensor& masks, const at::Tensor& t, const BfnSchedule& schedule, at::Generator& generator) {
    const at::Tensor beta = (schedule.beta1 * t * t).view({-1, 1, 1});
    const at::Tensor onehot = at::stack({1.0 - masks, masks}, 2);  // e_x, [B, D, 2]
    const at::Tensor noise = at::randn(onehot.sizes(), generator, at::TensorOptions()).to(onehot.device());  // CPU generator
    return beta * (kClasses * onehot - 1.0) + (beta * kClasses).sqrt() * noise;
}

at::Tensor bfnLoss(PartialDenoiser& net, const at::Tensor& masks, const at::Tensor& t, const BfnSchedule& schedule,
                   at::Generator& generator, bool flatTimeWeight) {
    const at::Tensor y = bfnSenderSample(masks, t, schedule, generator);
    const at::Tensor p = observedProbability(net, y.select(2, 1) - y.select(2, 0), t, schedule);
    // sum over both classes of (e_x - p_hat)^2 = 2 (x - p_hat_1)^2
    const at::Tensor error = (2.0 * (masks - p).pow(2)).sum(1);
    return kClasses * schedule.beta1 * (flatTimeWeight ? error : t * error);
}

std::vector<double> trainMaskPrior(PartialDenoiser& net, const at::Tensor& masks, const BfnSchedule& schedule,
                                   const MaskPriorTraining& settings, const EpochLossFn& onEpoch, const CancelToken& cancel) {
    checkMasks(masks, "mask prior");
    if (masks.size(1) != net.dims())
        throw std::invalid_argument("mask prior: masks have " + std::to_string(masks.size(1)) + " entries, the network " +
                                    std::to_string(net.dims()));
    if (settings.updates < 1 || settings.batchSize < 1 || !(settings.lr > 0.0) || !(schedule.beta1 > 0.0))
        throw std::invalid_argument("mask prior: updates, batch size, learning rate and beta_1 must be positive");
    const int64_t rows = masks.size(0);
    const int64_t batch = std::min(settings.batchSize, rows);
    MinibatchSettings loop;
    loop.epochs = epochsForUpdates(rows, batch, settings.updates);
    loop.batchSize = batch;
    loop.lr = settings.lr;
    loop.weightDecay = settings.weightDecay;
    loop.model = "mask prior (BFN)";
    loop.group = settings.group;
    loop.cosineDecay = settings.cosineDecay;
    WeightAverage average(net, settings.weightAverage);
    if (average.active()) loop.afterStep = [&average](int64_t) { average.update(); };
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(settings.seed);
    const at::Tensor data = masks.to(at::kFloat);
    net.train();
    const auto batchLoss = [&](const at::Tensor& index) {
        const at::Tensor x = data.index_select(0, index.to(data.device()));
        const at::Tensor t = at::rand({x.size(0)}, generator, at::TensorOptions()).to(x.device());
        return bfnLoss(net, x, t, schedule, generator, settings.flatTimeWeight).mean() / static_cast<double>(x.size(1));  // per entry: lr independent of D
    };
    std::vector<double> losses = trainMinibatchFlatAdamW(net, rows, loop, generator, batchLoss, onEpoch, cancel);
    average.copyInto();
    net.eval();
    return losses;
}

at::Tensor observationAnchors(const at::Tensor& observed, double rho, at::Generator& generator) {
    return (at::rand(observed.sizes(), generator, at::TensorOptions()).to(observed.device()) < rho).to(at::kFloat) *
           observed.to(at::kFloat);
}

namespace {

// observedProbability over a large batch, the network run on at most kRowsPerForward rows at a
// time. Rows are independent, so the result is the whole batch's; the CPU's convolutions are far
// faster on small batches (the image prior at 32 px: 0.05 s per mask at 128 rows, 0.19 s at 512,
// ~0.25 s at 2,048, `partial maskprior sample --count N`). The sampler's random draws stay whole.
constexpr int64_t kRowsPerForward = 128;

at::Tensor observedProbabilityInChunks(PartialDenoiser& net, const at::Tensor& logOdds, const at::Tensor& t,
                                       const BfnSchedule& schedule) {
    const int64_t rows = logOdds.size(0);
    if (rows <= kRowsPerForward) return observedProbability(net, logOdds, t, schedule);
    std::vector<at::Tensor> parts;
    for (int64_t begin = 0; begin < rows; begin += kRowsPerForward) {
        const int64_t n = std::min(kRowsPerForward, rows - begin);
        parts.push_back(observedProbability(net, logOdds.narrow(0, begin, n), t.narrow(0, begin, n), schedule));
    }
    return at::cat(parts);
}

}  // namespace

at::Tensor sampleMasks(PartialDenoiser& net, int64_t rows, const BfnSchedule& schedule, const MaskSampling& sampling,
                       at::Generator& generator) {
    if (sampling.steps < 1) throw std::invalid_argument("mask prior sampler: steps must be at least 1");
    if (!(sampling.timePower > 0.0)) throw std::invalid_argument("mask prior sampler: the time grid's power must be positive");
    const int64_t dims = net.dims();
    const at::Device device = net.parameters().empty() ? at::Device(at::kCPU) : net.parameters().front().device();
    at::Tensor anchors;
    if (sampling.observed.defined()) {
        if (sampling.observed.dim() != 2 || sampling.observed.size(1) != dims)
            throw std::invalid_argument("mask prior sampler: observed masks must be [rows, " + std::to_string(dims) + "]");
        rows = sampling.observed.size(0);
        anchors = observationAnchors(sampling.observed, sampling.rho, generator).to(device);
    }
    if (rows < 1) throw std::invalid_argument("mask prior sampler: rows must be at least 1");
    const bool gradient = anchors.defined() && sampling.guidanceScale > 0.0;
    const bool clamp = anchors.defined() && sampling.clampAnchors;
    const torch::NoGradGuard noGrad;
    const auto options = at::TensorOptions().device(device);
    const double n = static_cast<double>(sampling.steps), beta1 = schedule.beta1;
    const auto gridTime = [&](int64_t i) { return std::pow(static_cast<double>(i) / n, sampling.timePower); };
    const auto noise = [&] { return at::randn({rows, dims}, generator, at::TensorOptions()).to(device); };
    const auto timeOf = [&](double t) { return at::full({rows}, t, options); };
    at::Tensor state;  // Discrete: s = y_1 - y_0 accumulated (the log-odds); ODE: w = z_1 - z_0 (log-odds t w)
    const auto identity = [](const at::Tensor& s) { return s; };
    if (sampling.kind == MaskSamplerKind::Discrete) {
        state = at::zeros({rows, dims}, options);
        for (int64_t i = 1; i <= sampling.steps; ++i) {
            if (sampling.cancel && sampling.cancel->cancelled()) return {};
            const at::Tensor t = timeOf(gridTime(i - 1));
            if (gradient)
                state -= sampling.guidanceScale * guidanceGradient(net, state, t, anchors, schedule, identity);
            const at::Tensor p = observedProbabilityInChunks(net, state, t, schedule);
            at::Tensor k = (at::rand({rows, dims}, generator, at::TensorOptions()).to(device) < p).to(at::kFloat);
            if (clamp) k = at::where(anchors > 0, at::ones_like(k), k);
            const double alpha = schedule.beta(gridTime(i)) - schedule.beta(gridTime(i - 1));
            // y_1 - y_0 of y ~ N(alpha (K e_k - 1), alpha K I)
            state += alpha * kClasses * (2.0 * k - 1.0) + std::sqrt(2.0 * alpha * kClasses) * noise();
        }
        return (observedProbabilityInChunks(net, state, timeOf(1.0), schedule) >= 0.5).to(at::kFloat);
    }
    state = std::sqrt(2.0 * beta1 * kClasses) * noise();  // z_1 - z_0 at t = 0
    for (int64_t i = 0; i < sampling.steps; ++i) {
        if (sampling.cancel && sampling.cancel->cancelled()) return {};
        const double time = gridTime(i), dt = gridTime(i + 1) - time;
        const at::Tensor t = timeOf(time);
        const auto toLogOdds = [time](const at::Tensor& w) { return time * w; };
        if (gradient) state -= sampling.guidanceScale * guidanceGradient(net, state, t, anchors, schedule, toLogOdds);
        at::Tensor p = observedProbabilityInChunks(net, toLogOdds(state), t, schedule);
        if (clamp) p = at::where(anchors > 0, at::ones_like(p), p);
        state += beta1 * kClasses * (2.0 * p - 1.0) * dt;  // d(z_1 - z_0)/dt = beta_1 K (p_1 - p_0)
    }
    return (observedProbabilityInChunks(net, state, timeOf(1.0), schedule) >= 0.5).to(at::kFloat);
}

at::Tensor maskBitsPerEntry(PartialDenoiser& net, const at::Tensor& masks, const BfnSchedule& schedule, int64_t draws,
                            at::Generator& generator) {
    checkMasks(masks, "mask prior score");
    if (draws < 1) throw std::invalid_argument("mask prior score: draws must be at least 1");
    const torch::NoGradGuard noGrad;
    const at::Tensor x = masks.to(at::kFloat);
    at::Tensor total = at::zeros({x.size(0)}, x.options());
    for (int64_t j = 0; j < draws; ++j) {
        const at::Tensor u = at::rand({x.size(0)}, generator, at::TensorOptions()).to(x.device());
        total += bfnLoss(net, x, (static_cast<double>(j) + u) / static_cast<double>(draws), schedule, generator) /
                 static_cast<double>(draws);
    }
    // the reconstruction term: -log p_out(x | theta(1)) for one sender sample at t = 1
    const at::Tensor one = at::ones({x.size(0)}, x.options());
    const at::Tensor y = bfnSenderSample(x, one, schedule, generator);
    const at::Tensor p = observedProbability(net, y.select(2, 1) - y.select(2, 0), one, schedule).clamp(1e-6, 1.0 - 1e-6);
    total -= (x * p.log() + (1.0 - x) * (1.0 - p).log()).sum(1);
    return total / (static_cast<double>(x.size(1)) * std::log(2.0));
}

}  // namespace ms::partial
