// core/training/WeightAverage: after updates with weights w_1..w_40 the module holds their
// exponential average with the warm-up decay min(d, (1 + n) / (10 + n)); decay 0 leaves the weights alone; a decay outside [0, 1) is
// refused by name. The minibatch loop calls its afterStep hook once per update, with the count,
// and a mask prior trained with the average ends on other weights than without it.
#include <QtTest/QtTest>

#include <torch/nn/modules/linear.h>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include <stdexcept>
#include <vector>

#include "core/runtime/CancelToken.h"
#include "core/training/MinibatchAdamW.h"
#include "core/training/WeightAverage.h"
#include "partial/MaskPrior.h"
#include "partial/VectorDenoiser.h"

using namespace ms;

namespace {

void setAll(torch::nn::Module& m, double value) {
    const torch::NoGradGuard noGrad;
    for (at::Tensor& p : m.parameters()) p.fill_(value);
}

std::vector<double> allValues(torch::nn::Module& m) {
    std::vector<double> v;
    for (const at::Tensor& p : m.parameters()) {
        const at::Tensor flat = p.detach().to(at::kDouble).contiguous().reshape(-1);
        v.insert(v.end(), flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
    }
    return v;
}

}  // namespace

class TestWeightAverage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void theModuleEndsOnTheExponentialAverage() {
        torch::nn::Linear net(3, 2);
        const double d = 0.75;
        WeightAverage average(*net, d);
        QVERIFY(average.active());
        std::vector<double> weights;
        for (int k = 0; k < 40; ++k) weights.push_back(std::sin(0.3 * k) + 0.05 * k);
        double expected = 0.0;
        for (std::size_t n = 0; n < weights.size(); ++n) {
            setAll(*net, weights[n]);
            average.update();
            const double dn = std::min(d, (1.0 + static_cast<double>(n)) / (10.0 + static_cast<double>(n)));  // n earlier updates
            expected = n == 0 ? weights[0] : dn * expected + (1.0 - dn) * weights[n];
        }
        QCOMPARE(average.updates(), int64_t(40));
        QVERIFY(std::abs(expected - weights.back()) > 0.05);  // the average is not the last weights
        average.copyInto();
        for (const double v : allValues(*net)) QVERIFY2(std::abs(v - expected) < 1e-6, qPrintable(QString::number(v)));
    }

    void decayZeroLeavesTheWeightsAlone() {
        torch::nn::Linear net(3, 2);
        WeightAverage average(*net, 0.0);
        QVERIFY(!average.active());
        setAll(*net, 1.0);
        average.update();
        setAll(*net, 5.0);
        average.copyInto();
        for (const double v : allValues(*net)) QCOMPARE(v, 5.0);
        QCOMPARE(average.updates(), int64_t(0));
    }

    void aDecayOutsideTheUnitIntervalIsRefused() {
        torch::nn::Linear net(3, 2);
        for (const double bad : {1.0, -0.1, std::nan("")}) {
            try {
                WeightAverage average(*net, bad);
                QFAIL("a decay outside [0, 1) was accepted");
            } catch (const std::invalid_argument& e) {
                QVERIFY2(QString(e.what()).contains("decay"), e.what());
            }
        }
    }

    // 10 rows in batches of 4: 3 updates per epoch, 2 epochs.
    void theLoopCallsAfterStepOncePerUpdate() {
        torch::nn::Linear net(2, 1);
        const at::Tensor x = at::linspace(-1.0, 1.0, 20).reshape({10, 2});
        MinibatchSettings s;
        s.epochs = 2;
        s.batchSize = 4;
        s.model = "probe";
        std::vector<int64_t> seen;
        s.afterStep = [&](int64_t updatesDone) { seen.push_back(updatesDone); };
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(1);
        trainMinibatchFlatAdamW(*net, 10, s, g, [&](const at::Tensor& idx) { return net->forward(x.index_select(0, idx)).square().mean(); },
                                nullptr, CancelToken());
        QCOMPARE(seen, (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
    }

    // The mask prior's trainer returns the averaged weights: same seed and data, other weights.
    void aMaskPriorTrainedWithTheAverageEndsElsewhere() {
        const at::Tensor masks = (at::arange(64 * 12).reshape({64, 12}).remainder(3) != 0).to(at::kFloat);
        std::vector<std::vector<double>> trained;
        for (const double decay : {0.0, 0.9}) {
            torch::manual_seed(3);
            partial::VectorDenoiserConfig c;
            c.dims = 12;
            c.hidden = 16;
            c.blocks = 1;
            partial::VectorDenoiser net(c);
            partial::MaskPriorTraining t;
            t.updates = 20;
            t.batchSize = 16;
            t.weightAverage = decay;
            partial::trainMaskPrior(*net, masks, partial::BfnSchedule{}, t, {}, CancelToken());
            trained.push_back(allValues(*net));
        }
        double differs = 0.0;
        for (std::size_t i = 0; i < trained[0].size(); ++i) differs = std::max(differs, std::abs(trained[0][i] - trained[1][i]));
        QVERIFY2(differs > 1e-4, qPrintable(QString::number(differs)));
    }
};

QTEST_GUILESS_MAIN(TestWeightAverage)
#include "TestWeightAverage.moc"
