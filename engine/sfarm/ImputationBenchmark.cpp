#include "sfarm/ImputationBenchmark.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cmath>
#include <random>

#include "sfarm/SfarmInference.h"
#include "sfarm/SfarmTrainer.h"

namespace ms {

namespace {

struct SplitData {
    at::Tensor train, trainObserved, test, testObserved;
};

SplitData makeSplit(const NumericTable& data, const ImputationBenchmarkSettings& s, uint64_t seed) {
    const auto N = static_cast<int64_t>(data.rows), D = static_cast<int64_t>(data.columns);
    const at::Tensor all = at::tensor(data.values, at::kDouble).view({N, D}).to(at::kFloat);
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    const at::Tensor perm = at::randperm(N, gen, at::kLong);
    const auto testRows = std::max<int64_t>(1, static_cast<int64_t>(std::lround(s.testFraction * static_cast<double>(N))));
    SplitData d;
    d.test = all.index_select(0, perm.narrow(0, 0, testRows));
    d.train = all.index_select(0, perm.narrow(0, testRows, N - testRows));
    const at::Tensor mean = d.train.mean(0), sd = d.train.std(0).clamp_min(1e-8);
    d.train = (d.train - mean) / sd;
    d.test = (d.test - mean) / sd;
    d.trainObserved = at::rand(d.train.sizes(), gen) >= s.missingRate;
    d.testObserved = at::rand(d.test.sizes(), gen) >= s.missingRate;
    return d;
}

}  // namespace

std::vector<ImputationSplitResult> runSfarmImputationBenchmark(const NumericTable& data,
                                                               const ImputationBenchmarkSettings& s,
                                                               const CancelToken& cancel) {
    std::vector<ImputationSplitResult> results;
    const ElementGrid grid{1, static_cast<int64_t>(data.columns)};
    for (uint64_t seed : s.seeds) {
        if (cancel.cancelled()) break;
        const SplitData d = makeSplit(data, s, seed);
        at::manual_seed(seed);
        SfarmMlp model(SfarmMlpConfig{grid.size(), s.hidden, s.layers, 16});
        SfarmTrainingConfig cfg;
        cfg.epochs = s.epochs;
        cfg.batchSize = s.batchSize;
        cfg.lr = s.lr;
        cfg.seed = seed;
        const auto start = std::chrono::steady_clock::now();
        trainSfarm(model, grid, d.train, d.trainObserved, cfg, {}, cancel);
        ImputationSplitResult r;
        r.seed = seed;
        r.trainSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

        const at::Tensor target = ~d.testObserved;
        const at::Tensor scored = target.any(1);  // rows with something to predict
        std::mt19937_64 rng(seed + 1000);
        const at::Tensor ll = sfarmLogLikelihood(model, d.test, d.testObserved, target, s.likelihoodOrders, rng);
        const at::Tensor nll = -ll.masked_select(scored);
        r.testRows = nll.size(0);
        r.testNll = nll.mean().item<double>();
        r.testNllPerValue = nll.sum().item<double>() / target.sum().item<double>();
        const at::Tensor imputed = sfarmImpute(model, grid, d.test, d.testObserved, ImputeSettings{MaskingMode::Random, 0, false}, rng);
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

}  // namespace ms
