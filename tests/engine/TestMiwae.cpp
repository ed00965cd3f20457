// The MIWAE / VAE imputation baselines: finite bounds that improve with training, a
// conditional likelihood that improves too, imputation that keeps observed values, and the
// importance-weighted bound that tightens with more samples (on average), and atoms in the
// decoder that fit repeated values (drawn exactly).
#include <QtTest/QtTest>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "baselines/MiwaeTrainer.h"

using namespace ms;

class TestMiwae : public QObject {
    Q_OBJECT
    static at::Tensor data(int64_t n, uint64_t seed) {
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(seed);
        const at::Tensor a = at::randn({n, 1}, g, at::kFloat);
        return at::cat({a, 2 * a + 0.1 * at::randn({n, 1}, g, at::kFloat), -a + 0.1 * at::randn({n, 1}, g, at::kFloat)}, 1);
    }

private Q_SLOTS:
    void initTestCase() { at::manual_seed(1); }

    void trainingImprovesBoundAndConditionalLikelihood() {
        const at::Tensor train = data(1500, 2), test = data(200, 3);
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(4);
        const at::Tensor trainObserved = at::rand({1500, 3}, g) >= 0.3;
        const at::Tensor testObserved = at::tensor({int64_t(1), int64_t(0), int64_t(0)}).to(at::kBool).view({1, 3}).expand({200, 3}).contiguous();
        baselines::Miwae model(baselines::MiwaeConfig{3, 0, 64});
        QCOMPARE(model->config().latent, int64_t(2));
        at::Generator eval = at::make_generator<at::CPUGeneratorImpl>(5);
        const double before = model->conditionalLogLikelihood(test, testObserved, ~testObserved, 200, eval).mean().item<double>();
        baselines::MiwaeTrainingConfig cfg;
        cfg.epochs = 40;
        cfg.batchSize = 100;
        cfg.lr = 3e-3;
        cfg.importanceSamples = 10;
        const double finalBound = baselines::trainMiwae(model, train, trainObserved, cfg, CancelToken());
        QVERIFY(std::isfinite(finalBound));
        c10::InferenceMode guard;
        const at::Tensor ll = model->conditionalLogLikelihood(test, testObserved, ~testObserved, 200, eval);
        QVERIFY(at::isfinite(ll).all().item<bool>());
        const double after = ll.mean().item<double>();
        QVERIFY2(after > before + 1.0, qPrintable(QString("%1 -> %2").arg(before).arg(after)));

        // More importance samples give a tighter (higher) bound on average.
        const double k1 = model->bound(test, at::ones({200, 3}, at::kBool), 1, eval).mean().item<double>();
        const double k50 = model->bound(test, at::ones({200, 3}, at::kBool), 50, eval).mean().item<double>();
        QVERIFY2(k50 > k1, qPrintable(QString("K=1 %1, K=50 %2").arg(k1).arg(k50)));

        const at::Tensor imputed = model->impute(test, testObserved, 100, eval);
        QVERIFY(at::equal(imputed.masked_select(testObserved), test.masked_select(testObserved)));
        // x2 ≈ 2 x1: the imputation follows the observed x1.
        const double rmse = (imputed.select(1, 1) - test.select(1, 1)).square().mean().sqrt().item<double>();
        QVERIFY2(rmse < 0.5, qPrintable(QString::number(rmse)));
    }

    void atomsFitRepeatedValues() {
        // Feature 0 is exactly 0 in half of the rows and N(2, 1) otherwise; 1 and 2 are noise.
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(6);
        const auto rows = [&](int64_t n) {
            const at::Tensor zero = at::rand({n, 1}, g) < 0.5;
            return at::cat({at::where(zero, at::zeros({n, 1}), 2 + at::randn({n, 1}, g, at::kFloat)), at::randn({n, 2}, g, at::kFloat)}, 1);
        };
        const at::Tensor train = rows(1500), test = rows(300);
        const at::Tensor all = at::ones({1500, 3}, at::kBool);
        const at::Tensor given = at::tensor({int64_t(0), int64_t(1), int64_t(1)}).to(at::kBool).view({1, 3}).expand({300, 3}).contiguous();
        baselines::MiwaeTrainingConfig cfg;
        cfg.epochs = 40;
        cfg.batchSize = 100;
        cfg.lr = 3e-3;
        cfg.importanceSamples = 10;
        const auto fitAndScore = [&](baselines::MiwaeConfig c) {
            torch::manual_seed(7);
            baselines::Miwae model(c);
            baselines::trainMiwae(model, train, all, cfg, CancelToken());
            at::Generator eval = at::make_generator<at::CPUGeneratorImpl>(8);
            c10::InferenceMode guard;
            return std::make_pair(model, model->conditionalLogLikelihood(test, given, ~given, 200, eval).mean().item<double>());
        };
        baselines::MiwaeConfig plain{3, 0, 64}, withAtoms = plain;
        withAtoms.atoms = {{0.0}, {}, {}};
        const auto [plainModel, plainLl] = fitAndScore(plain);
        const auto [atomModel, atomLl] = fitAndScore(withAtoms);
        QVERIFY2(atomLl > plainLl + 1.0, qPrintable(QString("plain %1, atoms %2").arg(plainLl).arg(atomLl)));
        // Draws of feature 0 are exactly 0 about half of the time; observed values stay.
        at::Generator eval = at::make_generator<at::CPUGeneratorImpl>(9);
        c10::InferenceMode guard;
        const at::Tensor draws = atomModel->conditionalSamples(test, given, 100, 4, eval);
        QVERIFY(at::equal(draws.select(2, 1), test.select(1, 1).unsqueeze(0).expand({4, 300})));
        const double zeros = (draws.select(2, 0) == 0.0f).to(at::kDouble).mean().item<double>();
        QVERIFY2(zeros > 0.35 && zeros < 0.65, qPrintable(QString::number(zeros)));
        const at::Tensor imputed = atomModel->impute(test, given, 100, eval);
        QVERIFY(at::isfinite(imputed).all().item<bool>());
        QVERIFY(at::equal(imputed.masked_select(given), test.masked_select(given)));
    }

    void badSettingsAreRejected() {
        baselines::Miwae model(baselines::MiwaeConfig{3, 0, 8});
        baselines::MiwaeTrainingConfig cfg;
        cfg.importanceSamples = 0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, baselines::trainMiwae(model, data(10, 1), at::ones({10, 3}, at::kBool), cfg, CancelToken()));
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(1);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, model->bound(data(4, 1).narrow(1, 0, 2), at::ones({4, 2}, at::kBool), 2, g));
    }
};

QTEST_GUILESS_MAIN(TestMiwae)
#include "TestMiwae.moc"
