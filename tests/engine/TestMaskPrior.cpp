// Work II of method 3 (engine/partial/MaskPrior): the discrete BFN over observation masks. Its loss
// is the hand-computed value, the sender has the stated moments, both samplers return binary and
// seeded masks, a prior trained on identical block masks draws that block (IoU >= 0.95) and scores
// it far below an i.i.d. prior's 1 bit per entry, the intersection partition never queries an
// unobserved entry and queries every observed one over enough draws, and observation-aligned
// guidance (gradient and clamped) raises the samples' overlap with the anchors; the benchmark's
// realism scores recognise blocks and independent pixels, and it shows a hand rule losing positivity;
// pooling the query frequency over masks removes the binomial noise of few partitions.
#include <QtTest/QtTest>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "experiments/MaskPriorBenchmark.h"
#include "experiments/ObservationScenarios.h"
#include "MaskPriorTestSupport.h"
#include "partial/ContextMasks.h"
#include "partial/MaskPrior.h"
#include "partial/VectorDenoiser.h"

using namespace ms;
using namespace ms::partial;

namespace {

// A network whose every output logit is `logit`, recording what it was given.
class ConstantLogit : public PartialDenoiser {
public:
    ConstantLogit(int64_t dims, double logit) : m_dims(dims), m_logit(logit) {}
    int64_t dims() const override { return m_dims; }
    at::Tensor predictClean(const at::Tensor& t, const at::Tensor& maskedState, const at::Tensor&, const ConditionInput*) override {
        lastT = t;
        lastTheta = maskedState;
        return at::full(maskedState.sizes(), m_logit, maskedState.options());
    }
    at::Tensor lastT, lastTheta;

private:
    int64_t m_dims;
    double m_logit;
};

VectorDenoiser smallPrior(int64_t dims, uint64_t seed) {
    at::manual_seed(seed);
    VectorDenoiserConfig c;
    c.dims = dims;
    c.hidden = 64;
    c.blocks = 2;
    return VectorDenoiser(c);
}

// An 8 x 8 mask (flattened) missing one 4 x 4 block at rows 2..5, columns 1..4.
at::Tensor blockMask() {
    at::Tensor m = at::ones({8, 8});
    m.slice(0, 2, 6).slice(1, 1, 5).zero_();
    return m.flatten();
}

double iou(const at::Tensor& a, const at::Tensor& b) {
    const double inter = (a * b).sum().item<double>(), uni = ((a + b) > 0).sum().item<double>();
    return uni > 0 ? inter / uni : 1.0;
}

MaskPriorTraining quickTraining(int64_t updates) {
    MaskPriorTraining s;
    s.updates = updates;
    s.batchSize = 32;
    s.lr = 2e-3;
    return s;
}

}  // namespace

class TestMaskPrior : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void theLossIsTheHandComputedValue() {
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(1);
        const at::Tensor masks = at::tensor({1.f, 0.f, 1.f, 0.f, 0.f, 1.f}).view({2, 3});
        const at::Tensor t = at::tensor({0.5f, 0.25f});
        const BfnSchedule schedule{9.0, BfnInput::Theta};  // the network's output is p_hat's logit
        // p_hat = 0.5 everywhere: K beta_1 t * sum_d 2 (x - 0.5)^2 = 2 * 9 * t * 1.5 = 27 t
        ConstantLogit half(3, 0.0);
        const at::Tensor flat = bfnLoss(half, masks, t, schedule, g);
        QVERIFY(at::allclose(flat, at::tensor({13.5f, 6.75f})));
        QVERIFY(at::allclose(half.lastT, t * 1000.0));  // time reaches the network's timestep features
        QVERIFY((half.lastTheta >= 0).all().item<bool>() && (half.lastTheta <= 1).all().item<bool>());
        // p_hat = 0.75: row 1 sum (x - p)^2 = 0.0625 + 0.5625 + 0.0625; row 2 0.5625 + 0.5625 + 0.0625
        ConstantLogit threeQuarters(3, std::log(3.0));
        const at::Tensor loss = bfnLoss(threeQuarters, masks, t, schedule, g);
        QVERIFY2(at::allclose(loss, at::tensor({36.f * 0.5f * 0.6875f, 36.f * 0.25f * 1.1875f})),
                 qPrintable(QString("%1 %2").arg(loss[0].item<double>()).arg(loss[1].item<double>())));
    }

    void theScoreOfTheExactIidPosteriorIsOneBit() {
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(3);
        const at::Tensor data = (at::rand({512, 32}, g) < 0.5).to(at::kFloat);
        for (const BfnInput input : {BfnInput::Theta, BfnInput::ScaledLogit}) {
            const BfnSchedule schedule{9.0, input};
            IidPosterior exact(32, schedule);
            const double bits = maskBitsPerEntry(exact, data, schedule, 64, g).mean().item<double>();
            QVERIFY2(std::abs(bits - 1.0) < 0.02, qPrintable(QString::number(bits)));  // the bound is tight for the exact model
        }
    }

    void theSenderHasTheStatedMoments() {
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(2);
        const int64_t n = 200000;
        const at::Tensor observed = at::ones({1, n});
        const at::Tensor y = bfnSenderSample(observed, at::tensor({1.f}), BfnSchedule{9.0}, g);  // beta = 9
        QCOMPARE(y.sizes(), (at::IntArrayRef{1, n, 2}));
        // mean beta (K e_x - 1) = (-9, 9), variance beta K = 18
        QVERIFY(std::abs(y.select(2, 1).mean().item<double>() - 9.0) < 0.05);
        QVERIFY(std::abs(y.select(2, 0).mean().item<double>() + 9.0) < 0.05);
        QVERIFY(std::abs(y.select(2, 1).var().item<double>() - 18.0) < 0.3);
        const at::Tensor atZero = bfnSenderSample(observed, at::tensor({0.f}), BfnSchedule{9.0}, g);
        QVERIFY(at::allclose(at::softmax(atZero, 2).select(2, 1), at::full({1, n}, 0.5)));  // t = 0: nothing known
    }

    void bothSamplersAreBinaryAndSeeded() {
        VectorDenoiser net = smallPrior(16, 3);
        net->eval();
        for (const MaskSamplerKind kind : {MaskSamplerKind::Discrete, MaskSamplerKind::FlowOde}) {
            MaskSampling s;
            s.kind = kind;
            s.steps = 10;
            at::Generator a = at::make_generator<at::CPUGeneratorImpl>(7), b = at::make_generator<at::CPUGeneratorImpl>(7),
                          c = at::make_generator<at::CPUGeneratorImpl>(8);
            const at::Tensor first = sampleMasks(*net, 32, BfnSchedule{}, s, a);
            QCOMPARE(first.sizes(), (at::IntArrayRef{32, 16}));
            QVERIFY(at::logical_or(first == 0, first == 1).all().item<bool>());
            QVERIFY(at::equal(first, sampleMasks(*net, 32, BfnSchedule{}, s, b)));
            QVERIFY(!at::equal(first, sampleMasks(*net, 32, BfnSchedule{}, s, c)));
            // a token that is not cancelled changes nothing; a cancelled one stops the draw
            CancelToken token;
            s.cancel = &token;
            at::Generator d = at::make_generator<at::CPUGeneratorImpl>(7);
            QVERIFY(at::equal(first, sampleMasks(*net, 32, BfnSchedule{}, s, d)));
            token.cancel();
            QVERIFY(!sampleMasks(*net, 32, BfnSchedule{}, s, d).defined());
        }
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(1);
        MaskSampling none;
        none.steps = 0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sampleMasks(*net, 4, BfnSchedule{}, none, g));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 trainMaskPrior(*net, at::full({4, 16}, 0.5), BfnSchedule{}, quickTraining(1), {}, {}));
    }

    void aPriorOfOneFixedBlockDrawsThatBlock() {
        const at::Tensor data = blockMask().unsqueeze(0).repeat({64, 1});
        VectorDenoiser net = smallPrior(64, 4);
        const std::vector<double> losses = trainMaskPrior(*net, data, BfnSchedule{}, quickTraining(400), {}, {});
        QVERIFY2(losses.back() < losses.front(), qPrintable(QString("%1 -> %2").arg(losses.front()).arg(losses.back())));
        for (const MaskSamplerKind kind : {MaskSamplerKind::Discrete, MaskSamplerKind::FlowOde}) {
            MaskSampling s;
            s.kind = kind;
            s.steps = 20;
            at::Generator g = at::make_generator<at::CPUGeneratorImpl>(5);
            const at::Tensor samples = sampleMasks(*net, 16, BfnSchedule{}, s, g);
            for (int64_t i = 0; i < samples.size(0); ++i) {
                // the missing block (the complement) is where the data's hole is
                const double overlap = iou(1.0 - samples[i], 1.0 - blockMask());
                QVERIFY2(overlap >= 0.95, qPrintable(QString("sampler %1, sample %2: IoU %3").arg(int(kind)).arg(i).arg(overlap)));
            }
        }
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(6);
        const double bits = maskBitsPerEntry(*net, data.slice(0, 0, 8), BfnSchedule{}, 16, g).mean().item<double>();
        QVERIFY2(bits < 0.3, qPrintable(QString("%1 bits per entry").arg(bits)));  // i.i.d. 50 % would be 1
    }

    void theIntersectionPartitionQueriesEveryObservedEntryAndNothingElse() {
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(9);
        const int64_t dims = 32;
        const at::Tensor data = (at::rand({4096, dims}, g) < 0.5).to(at::kFloat);  // i.i.d. 50 % masks (enough not to memorise)
        VectorDenoiser net = smallPrior(dims, 10);
        trainMaskPrior(*net, data, BfnSchedule{}, quickTraining(3000), {}, {});
        // held-out i.i.d. masks cost about their entropy, 1 bit per entry (0.999 for the exact model;
        // this small MLP, which must learn the scaled input's gain, about 1.19 after 3,000 updates)
        const at::Tensor heldOut = (at::rand({128, dims}, g) < 0.5).to(at::kFloat);
        const double bits = maskBitsPerEntry(*net, heldOut, BfnSchedule{}, 16, g).mean().item<double>();
        QVERIFY2(bits > 0.95 && bits < 1.25, qPrintable(QString::number(bits)));

        const at::Tensor observed = (at::rand({4, dims}, g) < 0.6).to(at::kFloat);
        at::Tensor queried = at::zeros({4, dims});
        MaskSampling s;
        s.steps = 10;
        for (int draw = 0; draw < 50; ++draw) {
            const at::Tensor context = intersectionContextMask(observed, sampleMasks(*net, 4, BfnSchedule{}, s, g));
            const at::Tensor query = observed * (1.0 - context);
            QVERIFY((context <= observed).all().item<bool>());  // the context sees only observed entries
            QVERIFY((query <= observed).all().item<bool>());    // nothing unobserved is ever asked for
            queried += query;
        }
        QVERIFY(((queried > 0) == (observed > 0)).all().item<bool>());  // every observed entry at least once
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, intersectionContextMask(observed, at::ones({4, dims + 1})));

        // The same partition inside Work I's machinery (trainer and ensemble inference draw their
        // contexts through drawContextMask): a pool of prior draws replaces the hand rule.
        ContextSettings viaPool;
        viaPool.priorPool = sampleMasks(*net, 64, BfnSchedule{}, s, g);
        for (int draw = 0; draw < 20; ++draw) {
            const at::Tensor context = drawContextMask(observed, viaPool, g);
            bool fromPool = true;
            for (int64_t r = 0; r < 4; ++r)
                fromPool = fromPool && ((viaPool.priorPool * observed[r]) == context[r]).all(1).any().item<bool>();
            QVERIFY(fromPool);  // M_hat ⊙ M for a pool row M_hat
        }
        viaPool.priorPool = at::ones({8, dims + 1});
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, drawContextMask(observed, viaPool, g));
    }

    void guidanceRaisesTheOverlapWithTheAnchors() {
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(11);
        const int64_t dims = 32;
        const at::Tensor data = (at::rand({256, dims}, g) < 0.5).to(at::kFloat);
        VectorDenoiser net = smallPrior(dims, 12);
        trainMaskPrior(*net, data, BfnSchedule{}, quickTraining(200), {}, {});
        const at::Tensor observed = (at::rand({64, dims}, g) < 0.5).to(at::kFloat);
        const auto coverage = [&](double scale, bool clamp) {
            MaskSampling s;
            s.steps = 20;
            s.observed = observed;
            s.rho = 1.0;  // every observed entry an anchor: the overlap is the share of M the sample keeps
            s.guidanceScale = scale;
            s.clampAnchors = clamp;
            at::Generator same = at::make_generator<at::CPUGeneratorImpl>(13);
            const at::Tensor samples = sampleMasks(*net, 0, BfnSchedule{}, s, same);
            return (samples * observed).sum().item<double>() / observed.sum().item<double>();
        };
        const double unguided = coverage(0.0, false), gradient = coverage(2000.0, false), clamped = coverage(0.0, true);
        QVERIFY2(unguided < 0.7 && gradient > unguided + 0.2 && clamped > unguided + 0.2,
                 qPrintable(QString("unguided %1, gradient %2, clamped %3").arg(unguided).arg(gradient).arg(clamped)));
    }

    void realismScoresSeeBlocksAndIndependentPixels() {
        std::mt19937_64 rng(1);
        const int64_t side = experiments::scenarioBlockSide(28, 28);
        QCOMPARE(side, int64_t{14});
        const experiments::MaskRealism blocks = experiments::maskRealism(experiments::scenarioMasks("block", 64, 28, 28, rng), 28, side * side);
        QCOMPARE(blocks.missingShare, 0.25);
        QCOMPARE(blocks.singleHoleShare, 1.0);
        QCOMPARE(blocks.blockLikeShare, 1.0);
        QVERIFY(blocks.neighbourCorrelation > 0.8);
        const experiments::MaskRealism iid = experiments::maskRealism(experiments::scenarioMasks("iid", 64, 28, 28, rng), 28, side * side);
        QCOMPARE(iid.missingShare, 0.5);
        QCOMPARE(iid.singleHoleShare, 0.0);
        QVERIFY(std::abs(iid.neighbourCorrelation) < 0.05);
        const experiments::MaskRealism mixture =
            experiments::maskRealism(experiments::scenarioMasks("mixture", 400, 28, 28, rng), 28, side * side);
        QVERIFY(std::abs(mixture.blockLikeShare - 0.5) < 0.1);  // half the masks are blocks
    }

    void pooledQueryFrequencyRemovesTheNoiseOfFewPartitions() {
        // Contexts that keep each pixel with probability 0.8, the same for every pixel: the true
        // query frequency is flat (ratio 1). Per mask, 200 partitions leave binomial noise in the
        // max/min ratio; pooled over 50 masks it is nearly gone. A pixel that is never queried
        // makes both infinite.
        const at::Tensor observed = at::ones({50, 64});
        at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(7);
        const auto flat = [&] { return (at::rand({50, 64}, generator) < 0.8).to(at::kFloat); };
        const experiments::PositivityRow row = experiments::measurePositivity("flat", observed, 200, flat);
        QCOMPARE(row.coveredShare, 1.0);
        QVERIFY2(row.medianRatio > 1.4, qPrintable(QString::number(row.medianRatio)));
        QVERIFY2(row.pooledRatio < 1.2, qPrintable(QString::number(row.pooledRatio)));
        // the first pixel always in the context: never queried
        const auto keepsFirst = [&] {
            at::Tensor c = flat();
            c.select(1, 0).fill_(1.0);
            return c;
        };
        const experiments::PositivityRow hole = experiments::measurePositivity("hole", observed, 50, keepsFirst);
        QVERIFY(std::isinf(hole.pooledRatio) && std::isinf(hole.worstRatio));
        QVERIFY(std::abs(hole.coveredShare - 63.0 / 64.0) < 1e-9);
    }

    void theBenchmarkShowsWhereAHandRuleLosesPositivity() {
        experiments::MaskPriorBenchSettings s;
        s.scenario = "iid";
        s.size = 16;
        s.trainMasks = 64;
        s.testMasks = 8;
        s.updates = 5;
        s.samples = 8;
        s.steps = 3;
        s.positivityMasks = 4;
        s.partitions = 60;
        const experiments::MaskPriorBenchResult r = experiments::runMaskPriorBenchmark(s, {});
        QCOMPARE(r.priorExamples.sizes(), (at::IntArrayRef{8, 256}));
        QCOMPARE(r.dataExamples.sizes(), (at::IntArrayRef{8, 256}));
        QCOMPARE(static_cast<int>(r.positivity.size()), 4);
        QCOMPARE(QString::fromStdString(r.positivity[1].rule), QStringLiteral("the data's masks (oracle prior)"));
        QCOMPARE(QString::fromStdString(r.positivity[3].rule), QStringLiteral("one block (Work I)"));
        // one 8 x 8 block on i.i.d. masks: a corner pixel is dropped only by the corner block, a
        // central one by 64 placements: far from the even frequencies positivity asks for
        QVERIFY2(r.positivity[3].worstRatio > 4.0, qPrintable(QString::number(r.positivity[3].worstRatio)));
        QVERIFY2(r.positivity[3].pooledRatio > 4.0, qPrintable(QString::number(r.positivity[3].pooledRatio)));
        QVERIFY(r.positivity[2].coveredShare > 0.99);  // i.i.d. pixels at delta 0.2, 60 partitions
        // the oracle on i.i.d. masks: the data's own 50 % masks query every observed pixel
        QVERIFY(r.positivity[1].coveredShare > 0.99);
        QVERIFY(r.bernoulliBitsPerPixel > 0.9 && r.bernoulliBitsPerPixel < 1.05);
        s.scenario = "stripes";
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, experiments::runMaskPriorBenchmark(s, {}));
    }
};

QTEST_APPLESS_MAIN(TestMaskPrior)
#include "TestMaskPrior.moc"
