// The hand-written mcVAE backward pass and flat AdamW must equal autograd + torch::optim::AdamW.
#include <QtTest/QtTest>

#include <utility>

#include <ATen/ATen.h>
#include <torch/optim/adamw.h>

#include "mcvae/McVaeFusedStep.h"

using namespace ms;

namespace {

mcvae::McVaeConfig smallConfig() {
    mcvae::McVaeConfig c;
    c.outputDim = 6;
    c.classCounts = {3, 2};
    c.numericalCount = 2;
    c.inputEmbedding = 8;
    c.encoderHidden = {12, 7};
    c.latentDim = 3;
    c.conditionEmbedding = 4;
    return c;
}

struct Batch {
    at::Tensor x, eps;
    ConditionInput c;
};

Batch makeBatch(int64_t b) {
    // Unknown categories and unknown numbers mixed in, as in sparse data.
    at::Tensor cat = at::randint(-1, 2, {b, 2}, at::kLong);
    return {at::rand({b, 6}, at::kDouble), at::randn({b, 3}, at::kDouble),
            {cat, at::rand({b, 2}, at::kDouble), (at::rand({b, 2}) > 0.3).to(at::kDouble)}};
}

at::Tensor autogradLoss(mcvae::McVae& m, const Batch& b, double klWeight) {
    const mcvae::McVaeOutput o = m->forward(b.x, b.c, b.eps);
    const at::Tensor sse = (o.reconstruction - b.x).square().sum();
    const at::Tensor kl = 0.5 * (o.mu.square() + o.logvar.exp() - 1 - o.logvar).sum() / b.x.size(0);
    return (1 - klWeight) * sse + klWeight * kl;
}

// Two double-precision models with identical weights: one for autograd, one for the fused step.
std::pair<mcvae::McVae, mcvae::McVae> twinModelsInDouble() {
    mcvae::McVae reference(smallConfig());
    reference->to(at::kDouble);
    mcvae::McVae fused(smallConfig());
    fused->to(at::kDouble);
    c10::NoGradGuard g;
    auto src = reference->parameters();
    auto dst = fused->parameters();
    for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
    return {reference, fused};
}

}  // namespace

class TestFusedStep : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { at::manual_seed(3); }

    void gradientsEqualAutograd() {
        auto [reference, fused] = twinModelsInDouble();
        const Batch b = makeBatch(9);
        at::Tensor loss = autogradLoss(reference, b, 0.7);
        loss.backward();

        mcvae::McVaeFusedStep step(fused, AdamWSettings{}, 0.7);
        const at::Tensor losses = step.computeGradients(b.x, b.c, b.eps);
        const double fusedLoss = 0.3 * losses[0].item<double>() + 0.7 * losses[1].item<double>();
        QVERIFY2(std::abs(fusedLoss - loss.item<double>()) < 1e-10, "loss differs from autograd");

        const auto named = reference->named_parameters();
        for (const auto& p : named) {
            const at::Tensor expected = p.value().grad();
            const at::Tensor actual = step.optimizer().gradientOf(p.key());
            QVERIFY2(expected.defined(), qPrintable(QString::fromStdString(p.key())));
            QVERIFY2(at::allclose(actual, expected, 1e-9, 1e-11),
                     qPrintable(QString("gradient of %1 differs: max |diff| %2")
                                    .arg(QString::fromStdString(p.key()))
                                    .arg((actual - expected).abs().max().item<double>())));
        }
    }

    void adamwStepsEqualTorchAdamW() {
        auto [reference, fused] = twinModelsInDouble();
        AdamWSettings s;  // lr 1e-3, betas (0.9, 0.99), wd 0.1
        torch::optim::AdamW opt(reference->parameters(),
                                torch::optim::AdamWOptions(s.lr).betas({s.beta1, s.beta2}).eps(s.eps).weight_decay(s.weightDecay));
        mcvae::McVaeFusedStep step(fused, s, 0.7);
        for (int i = 0; i < 5; ++i) {
            const Batch b = makeBatch(16);
            opt.zero_grad();
            autogradLoss(reference, b, 0.7).backward();
            opt.step();
            step.step(b.x, b.c, b.eps, s.lr);
        }
        const auto a = reference->parameters();
        const auto f = fused->parameters();
        for (size_t i = 0; i < a.size(); ++i)
            QVERIFY2(at::allclose(a[i], f[i], 1e-9, 1e-11),
                     qPrintable(QString("parameter %1 differs after 5 steps").arg(i)));
    }

    // The CPU kernel (contiguous CPU batches) and the ATen path (anything else: CUDA, views) give
    // the same gradients; the kernel's raw rows mask conditions as ConditionInput::masked does.
    void cpuKernelMatchesTheAtenPathAndMasksLikeConditionInput() {
        auto [first, second] = twinModelsInDouble();
        const Batch b = makeBatch(11);
        mcvae::McVaeFusedStep kernel(first, AdamWSettings{}, 0.7);
        mcvae::McVaeFusedStep aten(second, AdamWSettings{}, 0.7);
        QVERIFY(kernel.cpuKernel());
        const at::Tensor strided = b.x.t().contiguous().t();  // not contiguous: the ATen ops
        const at::Tensor l1 = kernel.computeGradients(b.x, b.c, b.eps);
        const at::Tensor l2 = aten.computeGradients(strided, b.c, b.eps);
        QVERIFY(at::allclose(l1.to(at::kDouble), l2.to(at::kDouble), 1e-12, 1e-12));
        QVERIFY2(at::allclose(kernel.optimizer().gradients(), aten.optimizer().gradients(), 1e-10, 1e-12),
                 qPrintable(QString("max |diff| %1").arg((kernel.optimizer().gradients() - aten.optimizer().gradients()).abs().max().item<double>())));

        // float rows with masking noise vs the masked ConditionInput through the same kernel
        mcvae::McVae floatModel(smallConfig());
        mcvae::McVaeFusedStep raw(floatModel, AdamWSettings{}, 0.7);
        const at::Tensor x = b.x.to(at::kFloat), eps = b.eps.to(at::kFloat);
        const ConditionInput c{b.c.categorical, b.c.numerical.to(at::kFloat), b.c.numericalKnown.to(at::kFloat)};
        const at::Tensor noise = at::rand({11, 4});
        mcvae::McVaeBatchRows<float> rows = mcvae::McVaeFusedStep::cpuRows(x, c, eps);
        QCOMPARE(rows.rows, int64_t(11));
        rows.keepNoise = noise.data_ptr<float>();
        rows.maskShare = 0.4;
        const at::Tensor before = raw.optimizer().parameters().clone();
        const auto [sse, kl] = raw.step(rows, 1e-3);
        const at::Tensor rawGradients = raw.optimizer().gradients().clone();
        QVERIFY(!at::equal(before, raw.optimizer().parameters()));  // it stepped
        {
            c10::NoGradGuard g;
            raw.optimizer().parameters().copy_(before);
        }
        const at::Tensor masked = raw.computeGradients(x, c.masked(noise >= 0.4), eps);
        QCOMPARE(masked[0].item<double>(), sse);
        QCOMPARE(masked[1].item<double>(), kl);
        QVERIFY(at::equal(rawGradients, raw.optimizer().gradients()));
    }

    // With two intra-op threads a batch of at least 2 x kRowsPerThread rows is split, each half on
    // a kernel of its own: the summed gradients and losses are the whole batch's (float rounding),
    // and a batch too small to split gives exactly the one-thread result.
    void batchSplitOverThreadsEqualsOneThread() {
        mcvae::McVae model(smallConfig());
        mcvae::McVaeFusedStep step(model, AdamWSettings{}, 0.7);
        const int64_t n = 3 * mcvae::McVaeFusedStep::kRowsPerThread + 5;  // halves of unequal size
        const Batch b = makeBatch(n);
        const at::Tensor x = b.x.to(at::kFloat), eps = b.eps.to(at::kFloat), noise = at::rand({n, 4});
        const ConditionInput c{b.c.categorical, b.c.numerical.to(at::kFloat), b.c.numericalKnown.to(at::kFloat)};
        mcvae::McVaeBatchRows<float> rows = mcvae::McVaeFusedStep::cpuRows(x, c, eps);
        rows.keepNoise = noise.data_ptr<float>();
        rows.maskShare = 0.3;
        const int threadsBefore = at::get_num_threads();
        const auto gradientsWith = [&](int threads, const mcvae::McVaeBatchRows<float>& r) {
            at::set_num_threads(threads);
            const auto losses = step.computeGradients(r);
            return std::make_pair(losses, step.optimizer().gradients().clone());
        };
        const auto [one, gradOne] = gradientsWith(1, rows);
        const auto [two, gradTwo] = gradientsWith(2, rows);
        const auto [again, gradAgain] = gradientsWith(1, rows);  // the split left no trace in the kernel
        QVERIFY(at::equal(gradOne, gradAgain));
        QCOMPARE(again, one);
        QVERIFY(!at::equal(gradOne, gradTwo));  // it did split (other rounding)
        const double scale = gradOne.abs().max().item<double>();
        QVERIFY2((gradOne - gradTwo).abs().max().item<double>() <= 1e-5 * scale,
                 qPrintable(QString("max |diff| %1 of %2").arg((gradOne - gradTwo).abs().max().item<double>()).arg(scale)));
        QVERIFY(std::abs(two.first - one.first) <= 1e-5 * one.first);
        QVERIFY(std::abs(two.second - one.second) <= 1e-5 * one.second);
        // too few rows for two parts: one kernel, bit for bit
        const mcvae::McVaeBatchRows<float> small = rows.slice(0, 2 * mcvae::McVaeFusedStep::kRowsPerThread - 1, 6, 2, 2, 3);
        const auto [smallOne, smallGradOne] = gradientsWith(1, small);
        const auto [smallTwo, smallGradTwo] = gradientsWith(2, small);
        QVERIFY(at::equal(smallGradOne, smallGradTwo));
        QCOMPARE(smallTwo, smallOne);
        at::set_num_threads(threadsBefore);
    }

    void parametersLiveInTheFlatBuffer() {
        mcvae::McVae m(smallConfig());
        mcvae::McVaeFusedStep step(m, AdamWSettings{}, 0.7);
        int64_t total = 0;
        for (const auto& p : m->parameters()) total += p.numel();
        QCOMPARE(step.optimizer().parameters().numel(), total);
        // A write through the module is visible in the flat buffer (they share storage).
        {
            c10::NoGradGuard g;
            m->parameters()[0].fill_(42.0);
        }
        QCOMPARE(step.optimizer().parameters()[0].item<float>(), 42.0f);
    }
};

QTEST_APPLESS_MAIN(TestFusedStep)
#include "TestFusedStep.moc"
