// Work II with observation-aligned guidance (engine/partial/GuidedContexts): each row's prior draws
// keep its anchors (clamped, rho 1: all of its observed entries; rho 0.5: about half) while the rest
// stays a prior draw, chunked draws keep rows and draws apart, a row's draw is picked among its own,
// ensemble members take draws j mod k, and the trainer and ensemble inference use exactly
// M_hat ⊙ M of the row's own draws (and reject per-row draws of the wrong shape).
#include <QtTest/QtTest>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <vector>

#include "MaskPriorTestSupport.h"
#include "partial/EnsembleInference.h"
#include "partial/GuidedContexts.h"
#include "partial/PartialTrainer.h"

using namespace ms;
using namespace ms::partial;

namespace {

// Predicts u_0 = w * (M_ctx ⊙ u_t) with one trainable weight, recording every context it is given.
class RecordingDenoiser : public PartialDenoiser {
public:
    explicit RecordingDenoiser(int64_t dims) : m_dims(dims) { m_weight = register_parameter("weight", at::zeros({1})); }
    int64_t dims() const override { return m_dims; }
    at::Tensor predictClean(const at::Tensor&, const at::Tensor& maskedState, const at::Tensor& context, const ConditionInput*) override {
        contexts.push_back(context.detach().clone());
        return maskedState * m_weight;
    }
    std::vector<at::Tensor> contexts;

private:
    int64_t m_dims;
    at::Tensor m_weight;
};

at::Tensor randomMasks(int64_t rows, int64_t dims, double observed, uint64_t seed) {
    at::Generator g = at::make_generator<at::CPUGeneratorImpl>(seed);
    return (at::rand({rows, dims}, g) < observed).to(at::kFloat);
}

// Share of the observed entries of `observed` ([N, D]) that the draws ([N, k, D]) keep.
double keptShare(const at::Tensor& draws, const at::Tensor& observed, bool ofObserved) {
    const at::Tensor where = (ofObserved ? observed : 1.0 - observed).unsqueeze(1).expand_as(draws);
    return (draws * where).sum().item<double>() / where.sum().item<double>();
}

}  // namespace

class TestGuidedContexts : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void eachRowsDrawsKeepItsAnchors() {
        const int64_t dims = 64, rows = 40;
        IidPosterior prior(dims, BfnSchedule{});
        const at::Tensor observed = randomMasks(rows, dims, 0.6, 1);
        const auto draw = [&](double rho, bool clamp) {
            GuidedContextSettings s;
            s.drawsPerRow = 3;
            s.sampling.steps = 20;
            s.sampling.rho = rho;
            s.sampling.clampAnchors = clamp;
            at::Generator g = at::make_generator<at::CPUGeneratorImpl>(2);
            return drawGuidedPriorMasks(prior, BfnSchedule{}, observed, s, g);
        };
        const at::Tensor all = draw(1.0, true), half = draw(0.5, true), unguided = draw(0.5, false);
        QCOMPARE(all.sizes().vec(), (std::vector<int64_t>{rows, 3, dims}));
        QVERIFY(((all == 0) | (all == 1)).all().item<bool>());
        // The prior draws each entry observed with probability 1/2; clamped anchors are kept (the
        // sampler's last decode still flips about 0.1 % of them), the other entries stay 1/2.
        const double allKept = keptShare(all, observed, true), halfKept = keptShare(half, observed, true);
        const double freeKept = keptShare(all, observed, false), unguidedKept = keptShare(unguided, observed, true);
        QVERIFY2(allKept > 0.99, qPrintable(QString::number(allKept)));
        QVERIFY2(halfKept > 0.68 && halfKept < 0.82, qPrintable(QString::number(halfKept)));  // 0.5 + 0.5 * 0.5
        QVERIFY2(freeKept > 0.4 && freeKept < 0.6, qPrintable(QString::number(freeKept)));
        QVERIFY2(unguidedKept > 0.4 && unguidedKept < 0.6, qPrintable(QString::number(unguidedKept)));
        // a row's draws differ (the anchors are drawn afresh for each, and the rest is random)
        QVERIFY(!(all.select(1, 0) == all.select(1, 1)).all().item<bool>());
    }

    void chunkedDrawsKeepRowsApart() {
        const int64_t dims = 16, rows = 6;
        IidPosterior prior(dims, BfnSchedule{});
        at::Tensor observed = at::zeros({rows, dims});
        for (int64_t r = 0; r < rows; ++r) observed[r].narrow(0, 2 * r, 4).fill_(1.0);  // a different window per row
        GuidedContextSettings s;
        s.drawsPerRow = 3;
        s.rowsPerCall = 4;  // 18 draws in 5 calls of 3 or 4, a call's rows crossing the images
        s.sampling.steps = 10;
        s.sampling.rho = 1.0;
        s.sampling.clampAnchors = true;
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(3);
        const at::Tensor draws = drawGuidedPriorMasks(prior, BfnSchedule{}, observed, s, g);
        QCOMPARE(draws.sizes().vec(), (std::vector<int64_t>{rows, 3, dims}));
        QVERIFY2(keptShare(draws, observed, true) > 0.97, qPrintable(QString::number(keptShare(draws, observed, true))));
        s.drawsPerRow = 0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, drawGuidedPriorMasks(prior, BfnSchedule{}, observed, s, g));
        CancelToken cancel;
        cancel.cancel();
        s.drawsPerRow = 1;
        s.sampling.cancel = &cancel;
        QVERIFY(!drawGuidedPriorMasks(prior, BfnSchedule{}, observed, s, g).defined());
    }

    void rowsAndMembersTakeTheirOwnDraws() {
        // row r's draw j: every entry r * 10 + j, so each picked row names where it came from
        const at::Tensor rowMasks = (at::arange(4).view({4, 1, 1}) * 10 + at::arange(3).view({1, 3, 1})).expand({4, 3, 5}).to(at::kFloat);
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(4);
        std::vector<int> seen(3, 0);
        for (int i = 0; i < 60; ++i) {
            const at::Tensor picked = pickRowPriorMask(rowMasks, g);
            QCOMPARE(picked.sizes().vec(), (std::vector<int64_t>{4, 5}));
            for (int64_t r = 0; r < 4; ++r) {
                const int64_t value = picked[r][0].item<int64_t>();
                QCOMPARE(value / 10, r);
                QVERIFY((picked[r] == picked[r][0]).all().item<bool>());
                ++seen[static_cast<std::size_t>(value % 10)];
            }
        }
        for (int count : seen) QVERIFY2(count > 40, qPrintable(QString::number(count)));  // 240 picks over 3 draws
        const at::Tensor members = memberRowPriorMasks(rowMasks, 5);
        QCOMPARE(members.sizes().vec(), (std::vector<int64_t>{20, 5}));
        for (int64_t r = 0; r < 4; ++r)
            for (int64_t j = 0; j < 5; ++j) QCOMPARE(members[r * 5 + j][0].item<int64_t>(), r * 10 + j % 3);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, checkRowPriorMasks(rowMasks, 5, 5, "test"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, checkRowPriorMasks(rowMasks, 4, 6, "test"));
        checkRowPriorMasks(rowMasks, 4, 5, "test");
    }

    void theTrainerUsesEachRowsOwnDraws() {
        const int64_t dims = 12, rows = 32, k = 2;
        const at::Tensor observed = randomMasks(rows, dims, 0.7, 5);
        const at::Tensor values = at::randn({rows, dims});
        const at::Tensor rowMasks = randomMasks(rows * k, dims, 0.5, 6).view({rows, k, dims});
        RecordingDenoiser net(dims);
        PartialTrainingSettings s;
        s.updates = 8;  // two passes of four batches
        s.batchSize = 8;
        s.rowPriorMasks = rowMasks;
        trainPartialDiffusion(net, diffusion::NoiseSchedule::linear(), values, observed, nullptr, s, {}, {});
        QVERIFY(!net.contexts.empty());
        const at::Tensor candidates = (rowMasks * observed.unsqueeze(1)).view({rows * k, dims});  // every M_hat ⊙ M
        int64_t checked = 0;
        for (const at::Tensor& batch : net.contexts)
            for (int64_t i = 0; i < batch.size(0); ++i, ++checked)
                QVERIFY((candidates == batch[i]).all(1).any().item<bool>());
        QCOMPARE(checked, s.updates * s.batchSize);
        s.rowPriorMasks = rowMasks.narrow(0, 0, rows - 1);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 trainPartialDiffusion(net, diffusion::NoiseSchedule::linear(), values, observed, nullptr, s, {}, {}));
    }

    void ensembleMembersUseTheirRowsDraws() {
        const int64_t dims = 10, rows = 7, k = 3, members = 4;
        const at::Tensor observed = randomMasks(rows, dims, 0.6, 7);
        const at::Tensor rowMasks = randomMasks(rows * k, dims, 0.5, 8).view({rows, k, dims});
        const auto recorder = std::make_shared<RecordingDenoiser>(dims);
        PartialModelParts model;
        model.net = recorder;
        model.schedule = diffusion::NoiseSchedule::linear();
        EnsembleSettings s;
        s.members = members;
        s.steps = 0;
        s.chunkRows = 3 * members;  // three rows per call: the chunks' draws must follow their rows
        s.rowPriorMasks = rowMasks;
        ensembleComplete(model, at::randn({rows, dims}), observed, nullptr, s);
        const at::Tensor contexts = at::cat(recorder->contexts, 0);
        const at::Tensor expected = observed.repeat_interleave(members, 0) * memberRowPriorMasks(rowMasks, members);
        QVERIFY(contexts.equal(expected));
        s.rowPriorMasks = rowMasks.narrow(2, 0, dims - 1);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ensembleComplete(model, at::randn({rows, dims}), observed, nullptr, s));
    }
};

QTEST_APPLESS_MAIN(TestGuidedContexts)
#include "TestGuidedContexts.moc"
