#include "experiments/PartialAr1Benchmark.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <limits>

#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "experiments/GaussianAr1.h"
#include "partial/EnsembleInference.h"
#include "partial/PartialTrainer.h"
#include "partial/VectorDenoiser.h"

namespace ms::experiments {

namespace {

struct Ar1Split {
    at::Tensor truth, observed;
};

Ar1Split drawSplit(int64_t rows, const PartialAr1Settings& s, at::Generator& generator) {
    Ar1Split split;
    split.truth = sampleAr1(rows, s.dims, s.rho, generator);
    split.observed = (at::rand({rows, s.dims}, generator, at::TensorOptions().dtype(at::kFloat)) >= s.missing).to(at::kFloat);
    return split;
}

}  // namespace

PartialAr1Result runPartialAr1Benchmark(const PartialAr1Settings& s, const CancelToken& cancel) {
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(s.seed);
    const Ar1Split train = drawSplit(s.trainRows, s, generator), test = drawSplit(s.testRows, s, generator);
    // What the trainer receives: NaN wherever a value was not observed.
    const at::Tensor trainValues =
        at::where(train.observed > 0.5, train.truth, at::full_like(train.truth, std::numeric_limits<float>::quiet_NaN()));

    PartialAr1Result result;
    result.bayesMse = missingEntryMse(bayesCompleteAr1(test.truth, test.observed, s.rho), test.truth, test.observed);
    result.bayesExpectedMse = bayesExpectedMseAr1(test.observed, s.rho);

    std::vector<std::pair<std::string, partial::QueryRegion>> models{{"A", partial::QueryRegion::Query}};
    if (s.ablation) models.emplace_back("B", partial::QueryRegion::NoSplit);
    for (const auto& [name, region] : models) {
        partial::PartialModelParts parts;
        partial::VectorDenoiserConfig config;
        config.dims = s.dims;
        config.hidden = s.hidden;
        config.blocks = s.blocks;
        seedParameterInitialisation(s.seed);
        parts.net = partial::VectorDenoiser(config).ptr();
        parts.schedule = diffusion::NoiseSchedule::linear();
        parts.context.delta = s.delta;
        parts.masks = partial::MaskDistribution::measure(train.observed, {});
        partial::PartialTrainingSettings training;
        training.context = parts.context;
        training.region = region;
        training.updates = name == "B" && s.ablationUpdates > 0 ? s.ablationUpdates : s.updates;
        training.batchSize = s.batchSize;
        training.lr = s.lr;
        training.lowNoiseShare = s.lowNoiseShare;
        training.seed = s.seed + 1;
        const Stopwatch clock;
        partial::trainPartialDiffusion(*parts.net, parts.schedule, trainValues, train.observed, nullptr, training, {}, cancel);
        result.trainSeconds.emplace_back(name, clock.seconds());
        if (cancel.cancelled()) return result;
        for (int64_t steps : s.steps)
            for (int64_t members : s.members) {
                partial::EnsembleSettings ensemble;
                ensemble.members = members;
                ensemble.steps = steps;
                ensemble.seed = s.seed + 2;
                const Stopwatch inference;
                const at::Tensor completed = partial::ensembleComplete(parts, test.truth, test.observed, nullptr, ensemble);
                const double ms = inference.seconds() * 1000.0 / static_cast<double>(s.testRows);
                const double mse = missingEntryMse(completed, test.truth, test.observed);
                result.rows.push_back({name, members, steps, mse, mse / result.bayesMse, ms});
            }
    }
    return result;
}

}  // namespace ms::experiments
