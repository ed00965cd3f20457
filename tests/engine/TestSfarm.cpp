// SFARM core (seed 002, METHODS.md §2): masking-mode orders are permutations that honour their
// two stages, the objective equals the ARDM objective on a hand-computed case, imputation
// never changes observed values, the likelihood is finite and improves with training, mixture
// and atom outputs are proper densities that fit what one Gaussian can not, and both acquisition
// estimators pick the feature that determines the target.
#include <QtTest/QtTest>

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/data/RepeatedValues.h"
#include "core/math/GaussianConditional.h"
#include "core/math/GaussianLogDensity.h"
#include "sfarm/MaskingMode.h"
#include "sfarm/SfarmAcquisition.h"
#include "sfarm/SfarmInference.h"
#include "sfarm/SfarmInformationGain.h"
#include "sfarm/SfarmMlp.h"
#include "sfarm/SfarmObjective.h"
#include "sfarm/SfarmTrainer.h"

using namespace ms;

namespace {

const sfarm::MaskingMode kAll[] = {sfarm::MaskingMode::Random,      sfarm::MaskingMode::LeftToRight,   sfarm::MaskingMode::RightToLeft,
                            sfarm::MaskingMode::TopToBottom, sfarm::MaskingMode::BottomToTop,   sfarm::MaskingMode::InteriorPatch,
                            sfarm::MaskingMode::ExteriorPatch};

// Rows of a correlated 4-d Gaussian-ish data set: x1, x2 = 2 x1 + noise, x3 = -x1 + noise, x4 noise.
at::Tensor correlatedData(int64_t n, uint64_t seed) {
    at::Generator g = at::make_generator<at::CPUGeneratorImpl>(seed);
    const at::Tensor a = at::randn({n, 1}, g, at::kFloat);
    const at::Tensor e = 0.1 * at::randn({n, 3}, g, at::kFloat);
    return at::cat({a, 2 * a + e.narrow(1, 0, 1), -a + e.narrow(1, 1, 1), e.narrow(1, 2, 1) * 5}, 1);
}

// Trains `model` on fully observed rows of `data` with the given schedule.
void fit(sfarm::SfarmNetwork& model, const at::Tensor& data, int64_t epochs, int64_t batch, double lr) {
    sfarm::SfarmTrainingConfig cfg;
    cfg.epochs = epochs;
    cfg.batchSize = batch;
    cfg.lr = lr;
    sfarm::trainSfarm(model, sfarm::ElementGrid{1, data.size(1)}, data, at::ones(data.sizes(), at::kBool), cfg, {}, CancelToken());
}

}  // namespace

class TestSfarm : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { at::manual_seed(0); }

    void ordersArePermutationsHonouringTheirStages() {
        const sfarm::ElementGrid grid{6, 7};
        std::mt19937_64 rng(1);
        for (sfarm::MaskingMode mode : kAll) {
            for (int draw = 0; draw < 60; ++draw) {
                const sfarm::ActivationOrder o = sfarm::sampleOrder(mode, grid, rng);
                std::vector<int64_t> sorted = o.order;
                std::sort(sorted.begin(), sorted.end());
                for (int64_t k = 0; k < grid.size(); ++k) QCOMPARE(sorted[static_cast<size_t>(k)], k);
                const auto a = std::vector<int64_t>(o.order.begin(), o.order.begin() + o.firstStage);
                const auto b = std::vector<int64_t>(o.order.begin() + o.firstStage, o.order.end());
                auto col = [&](int64_t k) { return k % grid.width; };
                auto row = [&](int64_t k) { return k / grid.width; };
                auto bounds = [&](const std::vector<int64_t>& s, auto f) {
                    int64_t lo = 1 << 30, hi = -1;
                    for (int64_t k : s) lo = std::min(lo, f(k)), hi = std::max(hi, f(k));
                    return std::pair<int64_t, int64_t>{lo, hi};
                };
                switch (mode) {
                case sfarm::MaskingMode::Random: QCOMPARE(o.firstStage, int64_t(0)); break;
                case sfarm::MaskingMode::LeftToRight: QVERIFY(!a.empty() && !b.empty() && bounds(a, col).second < bounds(b, col).first); break;
                case sfarm::MaskingMode::RightToLeft: QVERIFY(!a.empty() && !b.empty() && bounds(a, col).first > bounds(b, col).second); break;
                case sfarm::MaskingMode::TopToBottom: QVERIFY(!a.empty() && !b.empty() && bounds(a, row).second < bounds(b, row).first); break;
                case sfarm::MaskingMode::BottomToTop: QVERIFY(!a.empty() && !b.empty() && bounds(a, row).first > bounds(b, row).second); break;
                case sfarm::MaskingMode::InteriorPatch:
                case sfarm::MaskingMode::ExteriorPatch: {
                    // The patch stage is exactly a filled rectangle.
                    const auto& patch = mode == sfarm::MaskingMode::InteriorPatch ? b : a;
                    QVERIFY(!patch.empty());
                    const auto [r0, r1] = bounds(patch, row);
                    const auto [c0, c1] = bounds(patch, col);
                    QCOMPARE(static_cast<int64_t>(patch.size()), (r1 - r0 + 1) * (c1 - c0 + 1));
                    break;
                }
                }
            }
        }
        // Restricted to candidates: only those, stages kept.
        std::vector<bool> candidate(static_cast<size_t>(grid.size()), false);
        for (int64_t k = 0; k < grid.size(); k += 3) candidate[static_cast<size_t>(k)] = true;
        const sfarm::ActivationOrder o = sfarm::sampleOrderOver(sfarm::MaskingMode::LeftToRight, grid, candidate, rng);
        QCOMPARE(static_cast<int64_t>(o.order.size()), (grid.size() + 2) / 3);
        for (int64_t k : o.order) QVERIFY(candidate[static_cast<size_t>(k)]);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sfarm::parseMaskingMode("diagonal"));
        QCOMPARE(sfarm::parseMaskingMode("exterior-patch"), sfarm::MaskingMode::ExteriorPatch);
    }

    void uniformMarginalHasExactlyIMinusOneActive() {
        std::mt19937_64 rng(2);
        const sfarm::TrainingMasks m = sfarm::drawTrainingMasks(500, sfarm::ElementGrid{1, 9}, {sfarm::MaskingMode::Random}, rng);
        const at::Tensor activeCount = m.active.sum(1).to(at::kLong);
        QVERIFY(at::equal(activeCount, m.step - 1));
        QVERIFY(m.step.min().item<int64_t>() == 1 && m.step.max().item<int64_t>() == 9);
        QVERIFY(at::all(m.mode == 0).item<bool>());
    }

    void objectiveEqualsArdmOnAHandComputedCase() {
        // S = 3, step i = 2 (one element active), standard normal predictions:
        // L = -S/(S-i+1) * [log N(1; 0, 1) + log N(2; 0, 1)] = 1.5 * (2 * 0.918939 + 0.5 + 2).
        const at::Tensor x = at::tensor({0.0, 1.0, 2.0}, at::kDouble).view({1, 3});
        sfarm::TrainingMasks m{at::tensor({1.0, 0.0, 0.0}, at::kDouble).view({1, 3}), at::tensor({int64_t(2)}), at::tensor({int64_t(0)})};
        const at::Tensor zeros = at::zeros({1, 3}, at::kDouble);
        const double loss = sfarm::sfarmLoss(gaussianLogDensity(x, zeros, zeros), at::ones({1, 3}, at::kDouble), m).item<double>();
        const double expected = 1.5 * (2 * 0.5 * std::log(2 * M_PI) + 0.5 + 2.0);
        QVERIFY2(std::abs(loss - expected) < 1e-12, qPrintable(QString("%1 vs %2").arg(loss).arg(expected)));
        // A missing training value drops out of the sum.
        const at::Tensor observed = at::tensor({1.0, 1.0, 0.0}, at::kDouble).view({1, 3});
        const double partial = sfarm::sfarmLoss(gaussianLogDensity(x, zeros, zeros), observed, m).item<double>();
        QVERIFY(std::abs(partial - 1.5 * (0.5 * std::log(2 * M_PI) + 0.5)) < 1e-12);
    }

    void imputationNeverChangesObservedValues() {
        sfarm::SfarmMlp model(sfarm::SfarmMlpConfig{12, 32, 2, 8, {}, {}});
        const sfarm::ElementGrid grid{3, 4};
        at::Tensor x = at::randn({16, 12});
        const at::Tensor observed = at::rand({16, 12}) < 0.5;
        x = at::where(observed, x, at::full_like(x, std::nan("")));  // missing values as NaN
        std::mt19937_64 rng(3);
        for (sfarm::MaskingMode mode : kAll) {
            for (int64_t steps : {int64_t(0), int64_t(3)}) {
                const at::Tensor out = sfarm::sfarmImpute(*model, grid, x, observed, sfarm::ImputeSettings{mode, steps, true, 0.0, {}, {}}, rng);
                QVERIFY(at::equal(out.masked_select(observed), x.masked_select(observed)));
                QVERIFY(at::isfinite(out).all().item<bool>());
            }
        }
    }

    void likelihoodIsFiniteAndImprovesWithTraining() {
        const at::Tensor train = correlatedData(2000, 5), test = correlatedData(300, 6);
        const at::Tensor observed = at::ones({300, 4}, at::kBool);
        // Score x2..x4 given x1 (the "unobserved features" protocol).
        const at::Tensor given = at::tensor({int64_t(1), int64_t(0), int64_t(0), int64_t(0)}).to(at::kBool).view({1, 4}).expand({300, 4}).contiguous();
        const at::Tensor target = observed & ~given;
        sfarm::SfarmMlp model(sfarm::SfarmMlpConfig{4, 64, 2, 8, {}, {}});
        std::mt19937_64 rng(7);
        const double before = sfarm::sfarmLogLikelihood(*model, test, given, target, 4, rng).mean().item<double>();
        sfarm::SfarmTrainingConfig cfg;
        cfg.epochs = 60;
        cfg.batchSize = 128;
        cfg.lr = 3e-3;
        const auto history = sfarm::trainSfarm(*model, sfarm::ElementGrid{1, 4}, train, at::ones({2000, 4}, at::kBool), cfg, {}, CancelToken());
        QCOMPARE(history.size(), size_t(60));
        QVERIFY(history.back().loss < history.front().loss);
        const at::Tensor ll = sfarm::sfarmLogLikelihood(*model, test, given, target, 4, rng);
        QVERIFY(at::isfinite(ll).all().item<bool>());
        const double after = ll.mean().item<double>();
        QVERIFY2(after > before + 1.0, qPrintable(QString("log-likelihood %1 -> %2").arg(before).arg(after)));
        // x2 and x3 are almost determined by x1 (noise sd 0.1), x4 has sd 0.5: the best possible
        // mean log-likelihood is about 2 * 0.88 - 0.23 = 1.5; a trained model gets close.
        QVERIFY2(after > 0.5, qPrintable(QString::number(after)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sfarm::sfarmLogLikelihood(*model, test, observed, target, 2, rng));
    }

    void acquisitionPicksTheFeatureThatDeterminesTheTarget() {
        // Five independent features; the target (element 5) is feature 2 plus a little noise.
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(9);
        const at::Tensor f = at::randn({3000, 5}, g, at::kFloat);
        const at::Tensor data = at::cat({f, f.narrow(1, 2, 1) + 0.05 * at::randn({3000, 1}, g, at::kFloat)}, 1);
        sfarm::SfarmMlp model(sfarm::SfarmMlpConfig{6, 64, 2, 8, {}, {}});
        fit(*model, data, 40, 128, 3e-3);
        std::mt19937_64 rng(10);
        const auto ranked = sfarm::rankAcquisition(model, data[0], std::vector<bool>(6, false), 5, 16, rng);
        QCOMPARE(ranked.size(), size_t(5));
        QCOMPARE(ranked.front().element, int64_t(2));
        QVERIFY2(ranked.front().information > 5 * ranked[1].information,
                 qPrintable(QString("%1 vs %2").arg(ranked.front().information).arg(ranked[1].information)));
        // Once feature 2 is known, nothing else tells much more about the target.
        std::vector<bool> observed(6, false);
        observed[2] = true;
        const auto after = sfarm::rankAcquisition(model, data[0], observed, 5, 16, rng);
        QCOMPARE(after.size(), size_t(4));
        QVERIFY(after.front().information < 0.2 * ranked.front().information);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sfarm::rankAcquisition(model, data[0], observed, 2, 4, rng));

        // The network-agnostic Monte Carlo estimate (any SFARM, any target set) agrees: feature 2
        // first, carrying about the target's entropy reduction log(sd 1 / sd 0.05) = 3.0 nats.
        const at::Tensor nothing = at::zeros({6}, at::kBool);
        at::Tensor target = at::zeros({6}, at::kBool);
        target[5] = true;
        sfarm::InformationGainSettings gs;
        gs.samples = 64;
        const auto generic = sfarm::rankByInformationGain(*model, data[0], nothing, target, {}, gs, rng);
        QCOMPARE(generic.size(), size_t(5));
        QCOMPARE(generic.front().element, int64_t(2));
        QVERIFY2(generic.front().information > 2.0 && generic[1].information < 0.3,
                 qPrintable(QString("%1 vs %2").arg(generic.front().information).arg(generic[1].information)));
        const auto chosen = sfarm::rankByInformationGain(*model, data[0], nothing, target, {0, 2}, gs, rng);
        QCOMPARE(chosen.size(), size_t(2));
        QCOMPARE(chosen.front().element, int64_t(2));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sfarm::rankByInformationGain(*model, data[0], nothing, target, {5}, gs, rng));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sfarm::rankByInformationGain(*model, data[0], target, target, {}, gs, rng));
    }

    void mixtureDensityIsTheWeightedSumOfItsComponents() {
        // Four free Gaussians per element; element 0 also has two atoms, element 2 one.
        sfarm::SfarmMlpConfig c{3, 16, 2, 8, {}, {}};
        c.mixture = 4;
        c.atoms = {{0.5, -1.0}, {}, {3.0}};
        torch::manual_seed(4);
        sfarm::SfarmMlp model(c);
        const at::Tensor x = at::randn({5, 3}), active = (at::rand({5, 3}) < 0.5).to(at::kFloat);
        const sfarm::ElementPredictions p = model->forward(x, active, at::full({5}, 2, at::kLong), at::zeros({5}, at::kLong));
        QVERIFY(p.mixture());
        QCOMPARE(p.componentMean.sizes(), (at::IntArrayRef{5, 3, 6}));  // 4 free + the most atoms (2)
        QCOMPARE(p.componentMean[1][0][4].item<float>(), 0.5f);
        QCOMPARE(p.componentMean[1][2][4].item<float>(), 3.0f);
        QCOMPARE(p.componentLogWeight[1][1][4].exp().item<float>(), 0.0f);  // element 1 has no atoms
        QCOMPARE(p.componentLogWeight[1][2][5].exp().item<float>(), 0.0f);  // element 2 has one
        const at::Tensor ll = model->logDensity(p, x);
        for (int64_t b = 0; b < 5; ++b) {
            for (int64_t k = 0; k < 3; ++k) {
                double density = 0.0, weightSum = 0.0, first = 0.0, second = 0.0;
                for (int64_t m = 0; m < 6; ++m) {
                    const double w = std::exp(p.componentLogWeight[b][k][m].item<double>());
                    const double mu = p.componentMean[b][k][m].item<double>();
                    const double sd = std::exp(p.componentLogStd[b][k][m].item<double>());
                    const double z = (x[b][k].item<double>() - mu) / sd;
                    density += w * std::exp(-0.5 * z * z) / (sd * std::sqrt(2 * M_PI));
                    weightSum += w;
                    first += w * mu;
                    second += w * (sd * sd + mu * mu);
                }
                QVERIFY(std::abs(weightSum - 1.0) < 1e-5);
                QVERIFY2(std::abs(ll[b][k].item<double>() - std::log(density)) < 1e-4,
                         qPrintable(QString("%1 vs %2").arg(ll[b][k].item<double>()).arg(std::log(density))));
                QVERIFY(std::abs(p.mean[b][k].item<double>() - first) < 1e-5);
                QVERIFY(std::abs(std::exp(2 * p.logStd[b][k].item<double>()) - (second - first * first)) < 1e-4);
            }
        }
        // Draws follow the mixture: their mean and variance match its moments, and a drawn atom
        // is its value exactly, as often as its weight says.
        const int64_t n = 40000;
        const sfarm::ElementPredictions many = p.repeated(n);
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(5);
        const at::Tensor draws = model->draw(many, true, g).view({n, 5, 3});
        const at::Tensor mean = draws.mean(0), sd = draws.std(0);
        QVERIFY2(((mean - p.mean).abs() < 0.05 * p.logStd.exp() + 0.01).all().item<bool>(), "mixture draws have the wrong mean");
        QVERIFY2(((sd / p.logStd.exp() - 1).abs() < 0.05).all().item<bool>(), "mixture draws have the wrong spread");
        const double atomShare = ((draws.select(2, 0) == 0.5f) | (draws.select(2, 0) == -1.0f)).to(at::kDouble).mean(0)[0].item<double>();
        const double atomWeight = p.componentLogWeight[0][0].narrow(0, 4, 2).exp().sum().item<double>();
        QVERIFY2(std::abs(atomShare - atomWeight) < 0.015, qPrintable(QString("%1 vs %2").arg(atomShare).arg(atomWeight)));
        // The point estimate is the mixture mean.
        QVERIFY(at::allclose(model->draw(p, false, g), p.mean));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sfarm::SfarmMlp(sfarm::SfarmMlpConfig{3, 16, 2, 8, {}, {}, 0}));
        sfarm::SfarmMlpConfig categoricalAtom{2, 8, 1, 4, {0, 3}, {}};
        categoricalAtom.atoms = {{}, {1.0}};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sfarm::SfarmMlp{categoricalAtom});
    }

    void atomsFitAPointMassThatOneGaussianCannot() {
        // Element 0 is exactly 0 in half of the rows (a point mass, as "no slag" in UCI Concrete)
        // and N(2, 1) otherwise; element 1 is noise. Scored: element 0 given nothing.
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(11);
        const auto data = [&](int64_t n) {
            const at::Tensor zero = at::rand({n, 1}, g) < 0.5;
            const at::Tensor e0 = at::where(zero, at::zeros({n, 1}), 2 + at::randn({n, 1}, g, at::kFloat));
            return at::cat({e0, at::randn({n, 1}, g, at::kFloat)}, 1);
        };
        const at::Tensor train = data(2000), test = data(400);
        const at::Tensor all = at::ones({2000, 2}, at::kBool);
        QCOMPARE(repeatedValues(train, all, {}), (std::vector<std::vector<double>>{{0.0}, {}}));  // the zeros, nothing else
        const at::Tensor nothing = at::zeros({400, 2}, at::kBool);
        const at::Tensor target = at::tensor({int64_t{1}, int64_t{0}}).to(at::kBool).view({1, 2}).expand({400, 2}).contiguous();
        const auto testLogLikelihood = [&](sfarm::SfarmMlpConfig c, uint64_t seed) {
            torch::manual_seed(seed);
            sfarm::SfarmMlp model(c);
            fit(*model, train, 40, 100, 1e-3);  // the paper's tabular rate
            std::mt19937_64 rng(13);
            return sfarm::sfarmLogLikelihood(*model, test, nothing, target, 1, rng).mean().item<double>();
        };
        sfarm::SfarmMlpConfig gaussian{2, 32, 2, 8, {}, {}}, atoms = gaussian;
        atoms.atoms = repeatedValues(train, all, {});
        const double one = testLogLikelihood(gaussian, 12);
        // One Gaussian can do no better than N(1, 1.5), -1.62 nats per value here; an atom at 0
        // (sd e^-5) is worth 0.5 * (log 0.5 + 4.08) more on the zeros: about +1.7.
        QVERIFY2(one < -1.55, qPrintable(QString::number(one)));
        for (uint64_t seed : {12, 13, 14}) {  // reliably, whatever the initialisation
            const double withAtoms = testLogLikelihood(atoms, seed);
            QVERIFY2(withAtoms > one + 1.3, qPrintable(QString("one Gaussian %1, with atoms %2 (seed %3)").arg(one).arg(withAtoms).arg(seed)));
        }
    }

    void mixtureFitsTwoModes() {
        // Two separated modes, N(-2, 0.3^2) and N(2, 0.3^2): one Gaussian scores at best -2.12
        // per value, the mixture of two about -0.91.
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(15);
        const auto data = [&](int64_t n) {
            const at::Tensor side = (at::rand({n, 2}, g) < 0.5).to(at::kFloat) * 4 - 2;
            return side + 0.3 * at::randn({n, 2}, g, at::kFloat);
        };
        const at::Tensor train = data(2000), test = data(400);
        const at::Tensor nothing = at::zeros({400, 2}, at::kBool), all = nothing.logical_not();
        const auto testLogLikelihood = [&](int64_t components) {
            sfarm::SfarmMlpConfig c{2, 32, 2, 8, {}, {}};
            c.mixture = components;
            torch::manual_seed(16);
            sfarm::SfarmMlp model(c);
            fit(*model, train, 40, 100, 1e-3);
            std::mt19937_64 rng(17);
            return sfarm::sfarmLogLikelihood(*model, test, nothing, all, 2, rng).mean().item<double>() / 2;  // per value
        };
        const double one = testLogLikelihood(1), two = testLogLikelihood(3);
        QVERIFY2(one < -2.0 && two > one + 0.8, qPrintable(QString("one Gaussian %1, mixture %2").arg(one).arg(two)));
    }

    // EM over rows with gaps recovers a known covariance, and the conditional mean is the
    // closed form: for (x0, x1) with unit variances and correlation 0.8, E[x1 | x0] = 0.8 x0.
    void gaussianFitWithGapsRecoversTheCovariance() {
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(31);
        const at::Tensor sigma = at::tensor({1.0, 0.8, -0.3, 0.8, 1.0, 0.0, -0.3, 0.0, 2.0}, at::kDouble).view({3, 3});
        const at::Tensor mean = at::tensor({1.0, -2.0, 0.5}, at::kDouble);
        const at::Tensor x = mean + at::mm(at::randn({6000, 3}, g, at::kDouble), at::linalg_cholesky(sigma).t());
        at::Tensor observed = at::rand({6000, 3}, g) > 0.3;
        observed.select(1, 0).logical_or_(~observed.any(1));  // every row observes something
        const at::Tensor withNan = at::where(observed, x, at::full_like(x, std::nan("")));
        const GaussianFit fit = fitGaussianWithGaps(withNan, observed);
        QVERIFY2((fit.mean - mean).abs().max().item<double>() < 0.06, qPrintable(QString::number((fit.mean - mean).abs().max().item<double>())));
        QVERIFY2((fit.covariance - sigma).abs().max().item<double>() < 0.1, qPrintable(QString::number((fit.covariance - sigma).abs().max().item<double>())));

        const GaussianFit known{at::zeros({3}, at::kDouble), sigma};
        const at::Tensor row = at::tensor({1.5, 99.0, std::nan("")}, at::kDouble).view({1, 3});
        const at::Tensor active = at::tensor({1.0, 0.0, 0.0}, at::kDouble).view({1, 3});
        const at::Tensor filled = gaussianConditionalMean(known, row, active);
        QCOMPARE(filled[0][0].item<double>(), 1.5);  // observed: kept
        QVERIFY(std::abs(filled[0][1].item<double>() - 0.8 * 1.5) < 1e-9);
        QVERIFY(std::abs(filled[0][2].item<double>() - (-0.3 * 1.5)) < 1e-9);
    }

    // The Gaussian path: with the network's own head at zero, its predicted means are exactly the
    // Gaussian's conditional means; categorical elements are left to the network.
    void gaussianPathPredictsTheConditionalMean() {
        sfarm::SfarmMlpConfig c{3, 16, 2, 4, {0, 0, 2}, {}};
        c.gaussianPath = true;
        torch::manual_seed(3);
        sfarm::SfarmMlp model(c);
        const at::Tensor sigma = at::tensor({1.0, 0.6, 0.0, 0.6, 1.0, 0.0, 0.0, 0.0, 1.0}, at::kFloat).view({3, 3});
        model->setGaussianPath({at::zeros({3}), sigma});
        {
            at::NoGradGuard noGrad;
            for (auto& p : model->named_parameters())
                if (p.key().rfind("head", 0) == 0) p.value().zero_();
        }
        const at::Tensor x = at::tensor({2.0f, 0.0f, 1.0f}).view({1, 3});
        const at::Tensor active = at::tensor({1.0f, 0.0f, 1.0f}).view({1, 3});
        const sfarm::ElementPredictions p = model->forward(x, active, at::full({1}, 3, at::kLong), at::zeros({1}, at::kLong));
        QVERIFY(std::abs(p.mean[0][1].item<double>() - 1.2) < 1e-5);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, model->setGaussianPath({at::zeros({2}), at::eye(2)}));
        sfarm::SfarmMlp plain(sfarm::SfarmMlpConfig{3, 16, 2, 4, {}, {}});
        QVERIFY_THROWS_EXCEPTION(std::logic_error, plain->setGaussianPath({at::zeros({3}), sigma}));
    }

    void earlyStoppingKeepsTheBestCheck() {
        // 40 training rows and a wide net: the validation NLL bottoms out and rises again.
        const at::Tensor train = correlatedData(40, 21), held = correlatedData(200, 22);
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(23);
        sfarm::SfarmValidation v;
        v.x = held;
        v.target = at::rand({200, 4}, g) < 0.5;
        v.context = v.target.logical_not();
        v.every = 10;
        v.patience = 5;
        torch::manual_seed(1);
        sfarm::SfarmMlp model(sfarm::SfarmMlpConfig{4, 128, 3, 8, {}, {}});
        sfarm::SfarmTrainingConfig cfg;
        cfg.epochs = 3000;
        cfg.batchSize = 20;
        cfg.lr = 3e-3;
        cfg.weightDecay = 0.0;
        std::vector<at::Tensor> snapshot;
        int64_t bestEpoch = 0, checks = 0;
        const auto history = sfarm::trainSfarm(*model, sfarm::ElementGrid{1, 4}, train, at::ones({40, 4}, at::kBool), cfg,
                                        [&](const sfarm::SfarmEpoch& e) {
                                            if (std::isnan(e.validationNll)) return;
                                            ++checks;
                                            if (!e.best) return;
                                            bestEpoch = e.epoch;
                                            snapshot.clear();
                                            for (const auto& p : model->parameters()) snapshot.push_back(p.detach().clone());
                                        }, CancelToken(), &v);
        QVERIFY2(static_cast<int64_t>(history.size()) < cfg.epochs, "never stopped early");
        QCOMPARE(static_cast<int64_t>(history.size()), bestEpoch + v.every * v.patience);  // stopped `patience` checks after the best
        QVERIFY(checks > v.patience);
        const auto params = model->parameters();
        for (std::size_t k = 0; k < params.size(); ++k) QVERIFY(at::equal(params[k], snapshot[k]));  // the best weights restored
    }
};

QTEST_GUILESS_MAIN(TestSfarm)
#include "TestSfarm.moc"
