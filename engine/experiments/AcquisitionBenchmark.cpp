#include "experiments/AcquisitionBenchmark.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "baselines/MiwaeTrainer.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "experiments/TableSplit.h"
#include "sfarm/SfarmAcquisition.h"
#include "sfarm/SfarmTrainer.h"

namespace ms::experiments {
namespace {

// SFARM's conditional mean of element `target` given the observed elements of x (one row).
double predictTarget(const sfarm::SfarmMlp& model, const at::Tensor& x, const std::vector<bool>& observed, int64_t target) {
    torch::NoGradGuard noGrad;
    const int64_t S = model->config().elements;
    at::Tensor active = at::zeros({1, S});
    int64_t known = 0;
    for (int64_t j = 0; j < S; ++j)
        if (observed[static_cast<std::size_t>(j)]) {
            active[0][j] = 1.0;
            ++known;
        }
    const sfarm::ElementPredictions g = model->forward((x * active[0]).view({1, S}), active, at::full({1}, known + 1, at::kLong),
                                              at::full({1}, static_cast<int64_t>(sfarm::MaskingMode::Random), at::kLong));
    return g.mean[0][target].item<double>();
}

// MIWAE greedy for one row: returns the squared target error after 0..D-1 acquisitions.
std::vector<double> miwaeGreedyErrors(const baselines::Miwae& model, const at::Tensor& x, int64_t target, int64_t draws,
                                      at::Generator& gen) {
    torch::NoGradGuard noGrad;
    const int64_t D = x.size(0);
    at::Tensor observed = at::zeros({1, D}, at::kBool);
    const at::Tensor row = x.view({1, D});
    const double truth = x[target].item<double>();
    std::vector<double> errors;
    for (int64_t k = 0; k < D; ++k) {
        errors.push_back(std::pow(model->impute(row, observed, draws, gen)[0][target].item<double>() - truth, 2));
        if (k == D - 1) break;
        const at::Tensor samples = model->conditionalSamples(row, observed, draws, draws, gen).select(1, 0).to(at::kDouble);  // [M, D]
        const at::Tensor centred = samples - samples.mean(0);
        const at::Tensor sd = centred.pow(2).mean(0).sqrt().clamp_min(1e-12);
        const at::Tensor rho = (centred * centred.select(1, target).unsqueeze(1)).mean(0) / (sd * sd[target]);
        int64_t best = -1;
        double bestInfo = -1.0;
        for (int64_t j = 0; j < D; ++j) {
            if (j == target || observed[0][j].item<bool>()) continue;
            const double r = std::min(0.999999, std::abs(rho[j].item<double>()));
            const double info = -0.5 * std::log(1.0 - r * r);
            if (info > bestInfo) {
                bestInfo = info;
                best = j;
            }
        }
        observed[0][best] = true;
    }
    return errors;
}

}  // namespace

AcquisitionCurves runAcquisitionBenchmark(const NumericTable& data, const AcquisitionBenchmarkSettings& s,
                                          const CancelToken& cancel) {
    const Stopwatch t0;
    const int64_t D = static_cast<int64_t>(data.columns);
    const int64_t target = D - 1;
    AcquisitionCurves out;
    std::vector<double> greedySq(static_cast<std::size_t>(D), 0.0), randomSq(static_cast<std::size_t>(D), 0.0),
        miwaeSq(static_cast<std::size_t>(D), 0.0);
    out.greedyFirstPickShare.assign(static_cast<std::size_t>(D), 0.0);
    for (uint64_t seed : s.seeds) {
        at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
        const StandardisedSplit split = standardisedSplit(data, s.testFraction, gen);
        seedParameterInitialisation(seed);
        sfarm::SfarmMlp model(sfarm::SfarmMlpConfig{D, s.hidden, 3, 16, {}, {}});
        sfarm::SfarmTrainingConfig cfg;
        cfg.epochs = s.epochs;
        cfg.batchSize = s.batchSize;
        cfg.lr = s.lr;
        cfg.seed = seed;
        sfarm::trainSfarm(*model, sfarm::ElementGrid{1, D}, split.train, at::ones(split.train.sizes(), at::kBool), cfg, {}, cancel);
        model->eval();
        if (cancel.cancelled()) break;
        baselines::Miwae miwae{nullptr};
        if (s.miwaeEpochs > 0) {
            miwae = baselines::Miwae(baselines::MiwaeConfig{D, 0, 128});
            baselines::MiwaeTrainingConfig mc;
            mc.epochs = s.miwaeEpochs;
            mc.batchSize = s.batchSize;
            mc.lr = s.lr;
            mc.seed = seed;
            baselines::trainMiwae(miwae, split.train, at::ones(split.train.sizes(), at::kBool), mc, cancel);
            miwae->eval();
            if (cancel.cancelled()) break;
        }
        at::Generator miwaeGen = at::make_generator<at::CPUGeneratorImpl>(seed + 2000);
        std::mt19937_64 rng(seed + 1000);
        for (int64_t r = 0; r < split.test.size(0); ++r) {
            const at::Tensor x = split.test[r];
            const double truth = x[target].item<double>();
            // greedy
            std::vector<bool> observed(static_cast<std::size_t>(D), false);
            for (int64_t k = 0; k < D - 1; ++k) {
                greedySq[static_cast<std::size_t>(k)] += std::pow(predictTarget(model, x, observed, target) - truth, 2);
                const auto ranking = sfarm::rankAcquisition(model, x, observed, target, s.informationSamples, rng);
                if (k == 0) out.greedyFirstPickShare[static_cast<std::size_t>(ranking.front().element)] += 1.0;
                observed[static_cast<std::size_t>(ranking.front().element)] = true;
            }
            greedySq[static_cast<std::size_t>(D - 1)] += std::pow(predictTarget(model, x, observed, target) - truth, 2);
            // random order
            std::vector<int64_t> order(static_cast<std::size_t>(D - 1));
            std::iota(order.begin(), order.end(), 0);
            std::shuffle(order.begin(), order.end(), rng);
            std::fill(observed.begin(), observed.end(), false);
            for (int64_t k = 0; k < D - 1; ++k) {
                randomSq[static_cast<std::size_t>(k)] += std::pow(predictTarget(model, x, observed, target) - truth, 2);
                observed[static_cast<std::size_t>(order[static_cast<std::size_t>(k)])] = true;
            }
            randomSq[static_cast<std::size_t>(D - 1)] += std::pow(predictTarget(model, x, observed, target) - truth, 2);
            if (miwae) {
                const std::vector<double> e = miwaeGreedyErrors(miwae, x, target, s.miwaeDraws, miwaeGen);
                for (int64_t k = 0; k < D; ++k) miwaeSq[static_cast<std::size_t>(k)] += e[static_cast<std::size_t>(k)];
            }
            ++out.testRows;
        }
        if (s.log) s.log("acquisition: split seed " + std::to_string(seed) + " done");
    }
    for (int64_t k = 0; k < D; ++k) {
        out.greedy.push_back(std::sqrt(greedySq[static_cast<std::size_t>(k)] / static_cast<double>(std::max<int64_t>(1, out.testRows))));
        out.random.push_back(std::sqrt(randomSq[static_cast<std::size_t>(k)] / static_cast<double>(std::max<int64_t>(1, out.testRows))));
        if (s.miwaeEpochs > 0)
            out.miwae.push_back(std::sqrt(miwaeSq[static_cast<std::size_t>(k)] / static_cast<double>(std::max<int64_t>(1, out.testRows))));
    }
    for (double& share : out.greedyFirstPickShare) share /= static_cast<double>(std::max<int64_t>(1, out.testRows));
    out.seconds = t0.seconds();
    return out;
}

}  // namespace ms::experiments
