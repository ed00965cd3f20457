#include "experiments/ImputationBenchmark.h"

#include "experiments/TableSplit.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <utility>

#include "baselines/MiwaeTrainer.h"
#include "core/data/RepeatedValues.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "sfarm/SfarmInference.h"
#include "sfarm/SfarmMlp.h"
#include "sfarm/SfarmTrainer.h"

namespace ms::experiments {

namespace {
sfarm::ImputeSettings pointImputation() {
    sfarm::ImputeSettings s;
    s.sample = false;
    return s;
}
}  // namespace

namespace {

struct SplitData {
    at::Tensor train, trainObserved, test, testObserved;
};

SplitData makeSplit(const NumericTable& data, const ImputationBenchmarkSettings& s, uint64_t seed) {
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    const StandardisedSplit split = standardisedSplit(data, s.testFraction, gen);
    SplitData d;
    d.train = split.train;
    d.test = split.test;
    d.trainObserved = at::rand(d.train.sizes(), gen) >= s.missingRate;
    d.testObserved = at::rand(d.test.sizes(), gen) >= s.missingRate;
    return d;
}

}  // namespace

ImputationMethod parseImputationMethod(const std::string& name) {
    if (name == "sfarm") return ImputationMethod::Sfarm;
    if (name == "miwae") return ImputationMethod::Miwae;
    if (name == "vae") return ImputationMethod::Vae;
    throw std::invalid_argument("unknown method '" + name + "' (sfarm, miwae or vae)");
}

namespace {

struct Fitted {
    at::Tensor logLikelihood;  // test log p(x_U | x_O) per row
    at::Tensor imputed;        // mean imputation
    int64_t bestEpoch = 0;
};

// Holds out `fraction` of the training rows for SFARM early stopping: their observed values are
// split at random into context and target. Returns the validation set and the rows left to fit.
std::pair<sfarm::SfarmValidation, SplitData> holdOutValidation(const SplitData& d, const ImputationBenchmarkSettings& s,
                                                        uint64_t seed) {
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed + 500);
    const int64_t N = d.train.size(0);
    const int64_t V = std::max<int64_t>(1, static_cast<int64_t>(std::llround(s.validationFraction * static_cast<double>(N))));
    const at::Tensor perm = at::randperm(N, gen, at::kLong);
    const at::Tensor held = perm.narrow(0, 0, V), kept = perm.narrow(0, V, N - V);
    sfarm::SfarmValidation v;
    v.x = d.train.index_select(0, held);
    const at::Tensor observed = d.trainObserved.index_select(0, held);
    v.target = observed & (at::rand(observed.sizes(), gen) < 0.5);
    v.context = observed & v.target.logical_not();
    v.every = s.validateEvery;
    v.patience = s.patience;
    SplitData fit = d;
    fit.train = d.train.index_select(0, kept);
    fit.trainObserved = d.trainObserved.index_select(0, kept);
    return {v, fit};
}

// Trains the chosen model on the split and scores it on the test rows.
Fitted fitAndScore(const SplitData& d, const ImputationBenchmarkSettings& s, uint64_t seed, const CancelToken& cancel) {
    const int64_t D = d.train.size(1);
    const at::Tensor target = ~d.testObserved;
    if (s.method == ImputationMethod::Sfarm) {
        const sfarm::ElementGrid grid{1, D};
        sfarm::SfarmMlpConfig mc{D, s.hidden, s.layers, 16, {}, {}};
        mc.mixture = s.mixture;
        if (s.atoms) mc.atoms = repeatedValues(d.train, d.trainObserved, {});
        sfarm::SfarmMlp model(mc);
        sfarm::SfarmTrainingConfig cfg;
        cfg.epochs = s.epochs;
        cfg.batchSize = s.batchSize;
        cfg.lr = s.lr;
        cfg.seed = seed;
        int64_t bestEpoch = s.epochs;
        if (s.validationFraction > 0.0) {
            const auto [validation, fit] = holdOutValidation(d, s, seed);
            bestEpoch = 0;
            sfarm::trainSfarm(*model, grid, fit.train, fit.trainObserved, cfg,
                       [&](const sfarm::SfarmEpoch& e) { if (e.best) bestEpoch = e.epoch; }, cancel, &validation);
        } else {
            sfarm::trainSfarm(*model, grid, d.train, d.trainObserved, cfg, {}, cancel);
        }
        std::mt19937_64 rng(seed + 1000);
        const at::Tensor ll = sfarm::sfarmLogLikelihood(*model, d.test, d.testObserved, target, s.likelihoodOrders, rng);
        const at::Tensor imputed =
            sfarm::sfarmImpute(*model, grid, d.test, d.testObserved, pointImputation(), rng);
        return {ll, imputed, bestEpoch};
    }
    const bool vae = s.method == ImputationMethod::Vae;
    baselines::MiwaeConfig mc{D, 0, 128};
    if (s.atoms) mc.atoms = repeatedValues(d.train, d.trainObserved, {});
    baselines::Miwae model(mc);
    baselines::MiwaeTrainingConfig cfg;
    cfg.epochs = s.epochs;
    cfg.batchSize = s.batchSize;
    cfg.lr = s.lr;
    cfg.seed = seed;
    cfg.importanceSamples = vae ? 1 : s.importanceSamples;
    // The VAE baseline sees the complete training data; MIWAE only the observed values.
    baselines::trainMiwae(model, d.train, vae ? at::ones_like(d.trainObserved) : d.trainObserved, cfg, cancel);
    c10::InferenceMode guard;
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed + 1000);
    const at::Tensor ll = model->conditionalLogLikelihood(d.test, d.testObserved, target, s.evaluationSamples, gen, vae);
    return {ll, model->impute(d.test, d.testObserved, s.evaluationSamples, gen, vae), s.epochs};
}

}  // namespace

std::vector<ImputationSplitResult> runImputationBenchmark(const NumericTable& data,
                                                          const ImputationBenchmarkSettings& s,
                                                          const CancelToken& cancel) {
    std::vector<ImputationSplitResult> results;
    for (uint64_t seed : s.seeds) {
        if (cancel.cancelled()) break;
        const SplitData d = makeSplit(data, s, seed);
        seedParameterInitialisation(seed);
        const Stopwatch start;
        const Fitted fitted = fitAndScore(d, s, seed, cancel);
        const at::Tensor& ll = fitted.logLikelihood;
        const at::Tensor& imputed = fitted.imputed;
        ImputationSplitResult r;
        r.seed = seed;
        r.bestEpoch = fitted.bestEpoch;
        r.trainSeconds = start.seconds();
        const at::Tensor target = ~d.testObserved;
        const at::Tensor nll = -ll.masked_select(target.any(1));
        r.testRows = nll.size(0);
        r.testNll = nll.mean().item<double>();
        r.testNllPerValue = nll.sum().item<double>() / target.sum().item<double>();
        r.imputationRmse = std::sqrt(((imputed - d.test).square() * target.to(at::kFloat)).sum().item<double>() /
                                     target.sum().item<double>());
        if (s.log)
            s.log("seed " + std::to_string(seed) + ": test NLL " + std::to_string(r.testNll) + " per row, " +
                  std::to_string(r.testNllPerValue) + " per value, RMSE " + std::to_string(r.imputationRmse) + " (" +
                  std::to_string(r.trainSeconds) + " s)");
        results.push_back(r);
    }
    return results;
}

}  // namespace ms::experiments
