// The partial-observation diffusion unit (engine/partial): contexts inside the observed support
// (whole keypoints dropped together), a trainer that never reads an unobserved value (NaN,
// random and true fills train bit-identically), ensemble inference that copies every observed
// entry exactly (single and multi-step, chunked), and a self-describing model file that names a
// data-kind mismatch.
#include <QtTest/QtTest>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "core/io/BundleError.h"
#include "partial/ContextMasks.h"
#include "partial/EnsembleInference.h"
#include "partial/PartialModelFile.h"
#include "partial/PartialTrainer.h"
#include "partial/VectorDenoiser.h"

using namespace ms;
using namespace ms::partial;

namespace {

PartialModelParts smallModel(int64_t dims, bool conditions, uint64_t seed) {
    at::manual_seed(seed);
    VectorDenoiserConfig c;
    c.dims = dims;
    c.hidden = 32;
    c.blocks = 2;
    if (conditions) {
        c.classCounts = {3};
        c.numericalCount = 1;
    }
    PartialModelParts p;
    p.net = VectorDenoiser(c).ptr();
    p.schedule = diffusion::NoiseSchedule::linear();
    p.context.delta = 0.3;
    p.masks.groupRate.assign(static_cast<std::size_t>(dims), 0.6);
    return p;
}

ConditionInput someConditions(int64_t rows) {
    ConditionInput c;
    c.categorical = at::arange(rows, at::kLong).remainder(4).sub(1).view({rows, 1});  // -1 (unknown), 0, 1, 2
    c.numerical = at::linspace(0, 1, rows).view({rows, 1});
    c.numericalKnown = (at::arange(rows, at::kLong).remainder(3) != 0).to(at::kFloat).view({rows, 1});
    return c;
}

at::Tensor flatWeights(const std::shared_ptr<PartialDenoiser>& net) {
    std::vector<at::Tensor> parts;
    for (const at::Tensor& p : net->parameters()) parts.push_back(p.detach().flatten());
    return at::cat(parts);
}

}  // namespace

class TestPartialDiffusion : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void contextIsInsideObservedAndDropsWholeKeypoints() {
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(1);
        const at::Tensor observed = (at::rand({4000, 12}, g) < 0.7).to(at::kFloat);
        ContextSettings s;
        s.delta = 0.25;
        s.groupOf = keypointGroups(5, 2);
        QCOMPARE(s.groupOf.size(), std::size_t(12));
        const at::Tensor context = drawContextMask(observed, s, g);
        QVERIFY((context <= observed).all().item<bool>());
        for (int64_t k = 0; k < 5; ++k) {  // where both coordinates are observed, both stay or both go
            const at::Tensor both = observed.select(1, 2 * k) * observed.select(1, 2 * k + 1);
            QVERIFY((both * (context.select(1, 2 * k) - context.select(1, 2 * k + 1)).abs()).sum().item<double>() == 0.0);
        }
        const double dropped = 1.0 - context.sum().item<double>() / observed.sum().item<double>();
        QVERIFY2(std::abs(dropped - 0.25) < 0.02, qPrintable(QString::number(dropped)));
        s.delta = 0.0;
        QVERIFY(at::equal(drawContextMask(observed, s, g), observed));
        s.delta = 1.0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, drawContextMask(observed, s, g));
        s.delta = 0.2;
        s.groupOf = {0, 1};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, drawContextMask(observed, s, g));
    }

    void trainingNeverReadsUnobservedValues() {
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(2);
        const int64_t rows = 96, dims = 6;
        const at::Tensor truth = at::randn({rows, dims}, g);
        const at::Tensor observed = (at::rand({rows, dims}, g) < 0.6).to(at::kFloat);
        const at::Tensor nanFill = at::where(observed > 0.5, truth, at::full_like(truth, std::numeric_limits<float>::quiet_NaN()));
        const at::Tensor randomFill = at::where(observed > 0.5, truth, 1e3 * at::randn({rows, dims}, g));
        PartialTrainingSettings s;
        s.updates = 12;
        s.batchSize = 32;
        s.seed = 5;
        std::vector<at::Tensor> weights;
        for (const at::Tensor& values : {truth, nanFill, randomFill}) {
            PartialModelParts p = smallModel(dims, true, 7);
            const ConditionInput c = someConditions(rows);
            const std::vector<double> losses = trainPartialDiffusion(*p.net, p.schedule, values, observed, &c, s, {}, CancelToken());
            QVERIFY(!losses.empty() && std::isfinite(losses.back()));
            weights.push_back(flatWeights(p.net));
        }
        QVERIFY(!at::equal(weights[0], flatWeights(smallModel(dims, true, 7).net)));  // it did train
        QVERIFY(at::equal(weights[0], weights[1]));
        QVERIFY(at::equal(weights[0], weights[2]));
    }

    void cancelStopsTraining() {
        PartialModelParts p = smallModel(4, false, 1);
        CancelToken cancel;
        cancel.cancel();
        PartialTrainingSettings s;
        s.updates = 100000;
        const at::Tensor v = at::randn({64, 4});
        QVERIFY(trainPartialDiffusion(*p.net, p.schedule, v, at::ones({64, 4}), nullptr, s, {}, cancel).empty());
    }

    void ensembleCopiesObservedEntriesExactly_data() {
        QTest::addColumn<int>("steps");
        QTest::addColumn<int>("members");
        QTest::addColumn<bool>("conditions");
        QTest::newRow("single step, K=1") << 0 << 1 << false;
        QTest::newRow("single step, K=16, conditions") << 0 << 16 << true;
        QTest::newRow("4 DDIM steps, K=4") << 4 << 4 << false;
        QTest::newRow("4 DDIM steps, K=4, conditions") << 4 << 4 << true;
    }
    void ensembleCopiesObservedEntriesExactly() {
        QFETCH(int, steps);
        QFETCH(int, members);
        QFETCH(bool, conditions);
        const int64_t rows = 37, dims = 8;
        const PartialModelParts p = smallModel(dims, conditions, 3);
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(4);
        const at::Tensor values = at::randn({rows, dims}, g);
        at::Tensor observed = (at::rand({rows, dims}, g) < 0.5).to(at::kFloat);
        observed[0].fill_(0.0);  // a row with nothing observed
        observed[1].fill_(1.0);  // and one with everything
        EnsembleSettings s;
        s.members = members;
        s.steps = steps;
        s.chunkRows = 5 * members;  // several chunks
        const ConditionInput c = someConditions(rows);
        const at::Tensor out = ensembleComplete(p, values, observed, conditions ? &c : nullptr, s);
        QCOMPARE(out.sizes(), values.sizes());
        QVERIFY(at::isfinite(out).all().item<bool>());
        QVERIFY(at::equal(at::where(observed > 0.5, out, at::zeros_like(out)), at::where(observed > 0.5, values, at::zeros_like(values))));
        // The same seed gives the same completion, chunked or not.
        s.chunkRows = 8192;
        QVERIFY(at::isfinite(ensembleComplete(p, values, observed, conditions ? &c : nullptr, s)).all().item<bool>());
    }

    void omegaScheduleDecidesBetweenTheMeanAndASample() {
        // omega = 1 - alpha_bar_t (rising along diffusion time) ends on the single-step mean; omega =
        // alpha_bar_t (rising along the run, the default) ends on E[u_0 | u_t]: a draw that differs
        // from the mean and from seed to seed, observed entries still exact.
        const int64_t rows = 12, dims = 6;
        const PartialModelParts p = smallModel(dims, false, 5);
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(6);
        const at::Tensor values = at::randn({rows, dims}, g);
        const at::Tensor observed = (at::rand({rows, dims}, g) < 0.5).to(at::kFloat);
        const at::Tensor hidden = 1.0 - observed;
        EnsembleSettings s;
        s.members = 4;
        s.seed = 11;
        const at::Tensor mean = ensembleComplete(p, values, observed, nullptr, s);
        s.steps = 10;
        s.omega = parseOmegaSchedule("1-alphabar");
        const double toMean = ((ensembleComplete(p, values, observed, nullptr, s) - mean) * hidden).abs().max().item<double>();
        QVERIFY2(toMean < 1e-3, qPrintable(QString("1-alphabar ends %1 away from the single-step mean").arg(toMean)));
        s.omega = parseOmegaSchedule("alphabar");
        QCOMPARE(EnsembleSettings().omega, OmegaSchedule::AlphaBar);
        const at::Tensor a = ensembleComplete(p, values, observed, nullptr, s);
        s.seed = 12;
        const at::Tensor b = ensembleComplete(p, values, observed, nullptr, s);
        QVERIFY(((a - mean) * hidden).abs().max().item<double>() > 1e-2);
        QVERIFY(((a - b) * hidden).abs().max().item<double>() > 1e-2);
        QVERIFY(at::equal(a * observed, values * observed));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseOmegaSchedule("cosine"));
    }

    void ensembleRejectsBadSettings() {
        const PartialModelParts p = smallModel(4, false, 1);
        const at::Tensor v = at::zeros({2, 4}), m = at::ones({2, 4});
        EnsembleSettings s;
        s.steps = 1;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ensembleComplete(p, v, m, nullptr, s));
        s.steps = 0;
        s.members = 0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ensembleComplete(p, v, m, nullptr, s));
        s.members = 4;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ensembleComplete(p, at::zeros({2, 5}), at::ones({2, 5}), nullptr, s));
        const PartialModelParts withConditions = smallModel(4, true, 1);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ensembleComplete(withConditions, v, m, nullptr, s));
    }

    void maskDistributionMeasuresGroupRates() {
        at::Tensor observed = at::zeros({100, 4});
        observed.narrow(0, 0, 30).narrow(1, 0, 2).fill_(1.0);  // keypoint 0 observed in 30 % of rows
        observed.select(1, 2).fill_(1.0);
        const MaskDistribution d = MaskDistribution::measure(observed, keypointGroups(1, 2));
        QCOMPARE(d.groupRate.size(), std::size_t(3));
        QCOMPARE(d.groupRate[0], 0.3);
        QCOMPARE(d.groupRate[1], 1.0);
        QCOMPARE(d.groupRate[2], 0.0);
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(1);
        const at::Tensor drawn = d.draw(1000, 4, g);
        QVERIFY(at::equal(drawn.select(1, 0), drawn.select(1, 1)));
        QVERIFY(std::abs(drawn.select(1, 0).mean().item<double>() - 0.3) < 0.05);
    }

    void modelFileRoundTripsAndNamesMismatch() {
        QTemporaryDir dir;
        PartialModelFile f;
        f.parts = smallModel(4, true, 9);
        f.parts.context.groupOf = keypointGroups(2, 0);
        f.parts.masks = MaskDistribution::measure(at::ones({3, 4}), f.parts.context.groupOf);
        f.columns = {"x_a", "y_a", "x_b", "y_b"};
        f.low = {0, 0, 0, 0};
        f.high = {1, 2, 3, 4};
        const std::string path = dir.filePath("m.mpd").toStdString();
        savePartialModel(f, path);
        PartialModelFile back = loadPartialModel(path);
        QCOMPARE(back.columns, f.columns);
        QCOMPARE(back.high, f.high);
        QCOMPARE(back.parts.context.groupOf, f.parts.context.groupOf);
        QCOMPARE(back.parts.context.delta, f.parts.context.delta);
        QCOMPARE(back.parts.masks.groupRate, f.parts.masks.groupRate);
        const ConditionInput c = someConditions(5);
        const at::Tensor t = at::full({5}, 3, at::kLong), x = at::randn({5, 4}), m = at::ones({5, 4});
        QVERIFY(at::allclose(f.parts.net->predictClean(t, x, m, &c), back.parts.net->predictClean(t, x, m, &c)));

        f.dataKind = "images";
        const std::string images = dir.filePath("i.mpd").toStdString();
        savePartialModel(f, images);
        try {
            loadPartialModel(images, "vectors");
            QFAIL("loaded an image model as a vector model");
        } catch (const BundleError& e) {
            QVERIFY2(std::string(e.what()).find("for images, not for vectors") != std::string::npos, e.what());
        }
        const std::string garbage = dir.filePath("g.mpd").toStdString();
        std::ofstream(garbage) << "not a model";
        QVERIFY_THROWS_EXCEPTION(BundleError, loadPartialModel(garbage));
    }
};

QTEST_GUILESS_MAIN(TestPartialDiffusion)
#include "TestPartialDiffusion.moc"
