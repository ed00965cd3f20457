#include "experiments/MaskPriorBenchmark.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <random>
#include <stdexcept>

#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "experiments/ObservationScenarios.h"
#include "partial/ContextMasks.h"
#include "partial/MaskPriorFile.h"
#include "partial/MaskPriorPool.h"
#include "partial/MaskPrior.h"

namespace ms::experiments {
namespace {

struct Holes {
    int64_t count = 0;
    int64_t missing = 0;
    int64_t boxArea = 0;  // of the first hole
};

// Connected components (4-neighbour) of the missing pixels of one size x size mask.
Holes holesOf(const float* mask, int64_t size) {
    Holes h;
    std::vector<char> seen(static_cast<std::size_t>(size * size), 0);
    std::vector<int64_t> stack;
    for (int64_t start = 0; start < size * size; ++start) {
        if (mask[start] > 0.5F || seen[static_cast<std::size_t>(start)]) continue;
        ++h.count;
        int64_t y0 = size, y1 = -1, x0 = size, x1 = -1;
        stack.push_back(start);
        seen[static_cast<std::size_t>(start)] = 1;
        while (!stack.empty()) {
            const int64_t p = stack.back();
            stack.pop_back();
            ++h.missing;
            const int64_t y = p / size, x = p % size;
            y0 = std::min(y0, y), y1 = std::max(y1, y), x0 = std::min(x0, x), x1 = std::max(x1, x);
            const int64_t next[4][2] = {{y - 1, x}, {y + 1, x}, {y, x - 1}, {y, x + 1}};
            for (const auto& n : next) {
                if (n[0] < 0 || n[0] >= size || n[1] < 0 || n[1] >= size) continue;
                const int64_t q = n[0] * size + n[1];
                if (mask[q] > 0.5F || seen[static_cast<std::size_t>(q)]) continue;
                seen[static_cast<std::size_t>(q)] = 1;
                stack.push_back(q);
            }
        }
        if (h.count == 1) h.boxArea = (y1 - y0 + 1) * (x1 - x0 + 1);
    }
    return h;
}

double pearson(const at::Tensor& a, const at::Tensor& b) {
    const at::Tensor x = a.flatten().to(at::kDouble), y = b.flatten().to(at::kDouble);
    const at::Tensor dx = x - x.mean(), dy = y - y.mean();
    const double denominator = std::sqrt(dx.square().sum().item<double>() * dy.square().sum().item<double>());
    return denominator > 0.0 ? (dx * dy).sum().item<double>() / denominator : 0.0;
}

partial::MaskSamplerKind parseSampler(const std::string& name) {
    if (name == "discrete") return partial::MaskSamplerKind::Discrete;
    if (name == "ode") return partial::MaskSamplerKind::FlowOde;
    throw std::invalid_argument("unknown mask prior sampler '" + name + "' (discrete, ode)");
}

}  // namespace

PositivityRow measurePositivity(const std::string& rule, const at::Tensor& observed, int64_t partitions,
                                const std::function<at::Tensor()>& context) {
    at::Tensor queried = at::zeros_like(observed);
    for (int64_t p = 0; p < partitions; ++p) queried += observed * (1.0 - context().cpu());
    PositivityRow row;
    row.rule = rule;
    const at::Tensor isObserved = observed > 0.5;
    row.coveredShare = ((queried > 0) & isObserved).sum().item<double>() / isObserved.sum().clamp_min(1).item<double>();
    std::vector<double> ratios;
    for (int64_t i = 0; i < observed.size(0); ++i) {
        const at::Tensor q = queried[i].masked_select(isObserved[i]);
        if (q.numel() == 0) continue;
        const double low = q.min().item<double>(), high = q.max().item<double>();
        ratios.push_back(low > 0.0 ? high / low : std::numeric_limits<double>::infinity());
    }
    std::sort(ratios.begin(), ratios.end());
    if (!ratios.empty()) {
        row.medianRatio = ratios[ratios.size() / 2];
        row.worstRatio = ratios.back();
    }
    const at::Tensor observedCount = isObserved.sum(0), seen = observedCount > 0;
    if (seen.any().item<bool>()) {
        const at::Tensor frequency = (queried.sum(0) / observedCount.clamp_min(1)).masked_select(seen);
        const double low = frequency.min().item<double>(), high = frequency.max().item<double>();
        row.pooledRatio = low > 0.0 ? high / low : std::numeric_limits<double>::infinity();
    }
    return row;
}

MaskRealism maskRealism(const at::Tensor& masks, int64_t size, int64_t blockArea) {
    const at::Tensor m = masks.to(at::kFloat).contiguous().cpu();
    const int64_t n = m.size(0);
    MaskRealism r;
    r.missingShare = 1.0 - m.mean().item<double>();
    int64_t single = 0, blockLike = 0;
    for (int64_t i = 0; i < n; ++i) {
        const Holes h = holesOf(m[i].data_ptr<float>(), size);
        const bool filled = h.count == 1 && static_cast<double>(h.missing) >= 0.9 * static_cast<double>(h.boxArea);
        single += filled;
        blockLike += filled && 2 * h.missing >= blockArea;
    }
    r.singleHoleShare = static_cast<double>(single) / static_cast<double>(n);
    r.blockLikeShare = static_cast<double>(blockLike) / static_cast<double>(n);
    const at::Tensor grid = m.view({n, size, size});
    r.neighbourCorrelation = 0.5 * (pearson(grid.slice(2, 0, size - 1), grid.slice(2, 1, size)) +
                                    pearson(grid.slice(1, 0, size - 1), grid.slice(1, 1, size)));
    return r;
}

MaskPriorBenchResult runMaskPriorBenchmark(const MaskPriorBenchSettings& s, const CancelToken& cancel) {
    if (s.size < 4 || s.size % 4 != 0) throw std::invalid_argument("mask size must be a positive multiple of 4");
    if (s.trainMasks < 1 || s.testMasks < 1 || s.samples < 1 || s.positivityMasks < 1 || s.partitions < 1)
        throw std::invalid_argument("mask counts, samples and partitions must be positive");
    const partial::MaskSamplerKind samplerKind = parseSampler(s.sampler);
    const auto say = [&](const std::string& line) {
        if (s.log) s.log(line);
    };
    const c10::Device device = resolveDevice(s.device);
    std::mt19937_64 rng(s.seed);
    const int64_t size = s.size, dims = size * size, side = scenarioBlockSide(size, size);
    const at::Tensor train = scenarioMasks(s.scenario, s.trainMasks, size, size, rng);
    const at::Tensor test = scenarioMasks(s.scenario, s.testMasks, size, size, rng);
    MaskPriorBenchResult result;
    result.data = maskRealism(test, size, side * side);

    partial::MaskPriorFile prior;
    if (!s.priorPath.empty() && std::filesystem::exists(s.priorPath)) {
        prior = partial::loadMaskPrior(s.priorPath);
        if (prior.dataKind != "images" || prior.image.height != size || prior.image.width != size)
            throw std::invalid_argument(s.priorPath + ": not a mask prior of " + std::to_string(size) + " x " + std::to_string(size) + " masks");
        prior.net->to(device);
        say("read the prior " + s.priorPath + " (trained on " + prior.training.value("data", std::string("?")) + ")");
    } else {
        prior.dataKind = "images";
        prior.image = {1, size, size};
        prior.schedule = {s.beta1, s.thetaInput ? partial::BfnInput::Theta : partial::BfnInput::ScaledLogit};
        partial::MaskPriorPoolSettings network;
        network.image = prior.image;
        network.baseChannels = s.baseChannels;
        network.training.seed = s.seed;
        prior.net = partial::makeMaskPriorNetwork(dims, network);
        prior.net->to(device);
        partial::MaskPriorTraining training;
        training.flatTimeWeight = s.flatTimeWeight;
        training.cosineDecay = s.cosineDecay;
        training.weightAverage = s.weightAverage;
        training.updates = s.updates;
        training.batchSize = s.batchSize;
        training.lr = s.lr;
        training.seed = s.seed;
        say("training the prior on " + std::to_string(s.trainMasks) + " '" + s.scenario + "' masks, " + std::to_string(s.updates) +
            " updates");
        const Stopwatch trainClock;
        const std::vector<double> losses = partial::trainMaskPrior(*prior.net, train.to(device), prior.schedule, training, {}, cancel);
        result.trainSeconds = trainClock.seconds();
        const int64_t perEpoch = (s.trainMasks + std::min(s.batchSize, s.trainMasks) - 1) / std::min(s.batchSize, s.trainMasks);
        result.msPerUpdate = 1000.0 * result.trainSeconds / static_cast<double>(static_cast<int64_t>(losses.size()) * perEpoch);
        if (!s.priorPath.empty()) {
            prior.observedRate = partial::observedRates(train);
            prior.training = {{"data", "scenario " + s.scenario}, {"masks", s.trainMasks}, {"updates", s.updates}, {"seed", s.seed},
                              {"flat_time_weight", s.flatTimeWeight}, {"cosine_decay", s.cosineDecay},
                              {"weight_average", s.weightAverage}};
            partial::saveMaskPrior(prior, s.priorPath);
        }
    }
    partial::PartialDenoiser* net = prior.net.get();
    const partial::BfnSchedule schedule = prior.schedule;

    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(s.seed + 1);
    partial::MaskSampling sampling;
    sampling.kind = samplerKind;
    sampling.steps = s.steps;
    sampling.timePower = s.timePower;
    const Stopwatch sampleClock;
    const at::Tensor samples = partial::sampleMasks(*net, s.samples, schedule, sampling, generator).cpu();
    result.masksPerSecond = static_cast<double>(s.samples) / sampleClock.seconds();
    result.prior = maskRealism(samples, size, side * side);
    result.dataExamples = test.slice(0, 0, 16).clone();
    result.priorExamples = samples.slice(0, 0, 16).clone();
    result.priorBitsPerPixel = partial::maskBitsPerEntry(*net, test.to(device), schedule, 16, generator).mean().item<double>();
    const at::Tensor p = train.mean(0).clamp(1e-3, 1.0 - 1e-3);  // the independent Bernoulli per pixel
    result.bernoulliBitsPerPixel =
        -(test * p.log2() + (1.0 - test) * (1.0 - p).log2()).sum(1).mean().item<double>() / static_cast<double>(dims);
    say("realism and bits done; positivity over " + std::to_string(s.positivityMasks) + " masks x " +
        std::to_string(s.partitions) + " partitions");

    const at::Tensor observed = test.slice(0, 0, std::min(s.positivityMasks, s.testMasks));
    const int64_t n = observed.size(0);
    const auto priorRule = [&](bool guided) {
        return [&, guided] {
            if (cancel.cancelled()) throw std::runtime_error("cancelled");
            partial::MaskSampling draw = sampling;
            if (guided) {
                draw.observed = observed.to(device);
                draw.rho = s.rho;
                draw.guidanceScale = s.guidanceScale;
                draw.clampAnchors = s.clampAnchors;
            }
            return partial::intersectionContextMask(observed, partial::sampleMasks(*net, n, schedule, draw, generator).cpu());
        };
    };
    result.positivity.push_back(measurePositivity("prior (Work II)", observed, s.partitions, priorRule(false)));
    if (s.guidanceScale > 0.0 || s.clampAnchors)
        result.positivity.push_back(measurePositivity("prior, guided", observed, s.partitions, priorRule(true)));
    // The data's own mask generator as the prior: what a perfect prior's partitions would give.
    std::mt19937_64 oracleRng(s.seed + 2);
    result.positivity.push_back(measurePositivity("the data's masks (oracle prior)", observed, s.partitions, [&] {
        return partial::intersectionContextMask(observed, scenarioMasks(s.scenario, n, size, size, oracleRng));
    }));
    const auto handRule = [&](const partial::ContextSettings& c) {
        return [&, c] { return partial::drawContextMask(observed, c, generator); };
    };
    partial::ContextSettings iid = scenarioContext("iid", s.delta, size, size), block = scenarioContext("block", s.delta, size, size);
    result.positivity.push_back(measurePositivity("i.i.d. pixels (Work I)", observed, s.partitions, handRule(iid)));
    result.positivity.push_back(measurePositivity("one block (Work I)", observed, s.partitions, handRule(block)));
    if (s.scenario == "mixture")
        result.positivity.push_back(
            measurePositivity("mixture rule (Work I)", observed, s.partitions, handRule(scenarioContext("mixture", s.delta, size, size))));
    return result;
}

}  // namespace ms::experiments
