// Method 3 on images (engine/partial): block contexts shaped like the data's own block masks (one
// square per row, all channels, inside the observed support), the U-Net denoiser that reads the
// masked image and the context as separate channels, a trainer that never reads an unobserved
// pixel (NaN and random fills train bit-identically), ensemble inference that copies observed
// pixels exactly and fills a structured image better than the observed mean, and a model file
// that keeps the network kind and the block settings.
#include <QtTest/QtTest>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <limits>

#include "core/io/BundleError.h"
#include "partial/ContextMasks.h"
#include "partial/EnsembleInference.h"
#include "partial/ImageDenoiser.h"
#include "partial/PartialModelFile.h"
#include "partial/PartialTrainer.h"

using namespace ms;
using namespace ms::partial;

namespace {

constexpr int64_t kSide = 8;

ImageDenoiserConfig tinyUnet() {
    ImageDenoiserConfig c;
    c.height = c.width = kSide;
    c.baseChannels = 16;
    c.channelMult = {1, 2};
    return c;
}

PartialModelParts tinyModel(uint64_t seed) {
    at::manual_seed(seed);
    PartialModelParts p;
    p.net = ImageDenoiser(tinyUnet()).ptr();
    p.schedule = diffusion::NoiseSchedule::linear();
    p.context.delta = 0.2;
    p.masks.groupRate.assign(static_cast<std::size_t>(kSide * kSide), 0.5);
    return p;
}

// Images in [-1, 1] that are easy to complete from a part: a horizontal ramp with a random
// offset and slope per image.
at::Tensor rampImages(int64_t rows, at::Generator& g) {
    const at::Tensor x = at::linspace(-1, 1, kSide).view({1, 1, kSide}).expand({rows, kSide, kSide});
    const at::Tensor slope = at::rand({rows, 1, 1}, g) * 0.8 - 0.4, offset = at::rand({rows, 1, 1}, g) * 0.8 - 0.4;
    return (offset + slope * x).reshape({rows, kSide * kSide});
}

at::Tensor flatWeights(const PartialDenoiser& net) {
    std::vector<at::Tensor> parts;
    for (const at::Tensor& p : net.parameters()) parts.push_back(p.detach().flatten());
    return at::cat(parts);
}

}  // namespace

class TestPartialImages : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void blockContextsDropOneSquareInsideTheObservedPixels() {
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(1);
        ContextSettings s;
        s.image = {2, 12, 10};
        s.blockSide = 4;
        s.blockShare = 1.0;
        const int64_t rows = 200, entries = s.image.entries();
        const at::Tensor all = at::ones({rows, entries});
        const at::Tensor context = drawContextMask(all, s, g);
        const at::Tensor dropped = (1.0 - context).view({rows, 2, 12, 10});
        QVERIFY(at::equal(dropped.sum({1, 2, 3}), at::full({rows}, 2.0 * 16.0)));       // one 4 x 4 square, both channels
        QVERIFY(at::equal(dropped.select(1, 0), dropped.select(1, 1)));                 // the same square in every channel
        const at::Tensor rowsHit = dropped.select(1, 0).sum(2) > 0, colsHit = dropped.select(1, 0).sum(1) > 0;
        QVERIFY(at::equal(rowsHit.sum(1), at::full({rows}, 4, at::kLong)));             // contiguous: 4 rows and 4 columns
        QVERIFY(at::equal(colsHit.sum(1), at::full({rows}, 4, at::kLong)));
        QVERIFY(dropped.select(1, 0).sum(0).gt(0).all().item<bool>());                  // every position gets dropped somewhere

        const at::Tensor observed = (at::rand({rows, entries}, g) < 0.7).to(at::kFloat);
        QVERIFY((drawContextMask(observed, s, g) <= observed).all().item<bool>());
        s.blockShare = 0.5;  // a mixture: half the rows lose a block, half i.i.d. pixels
        s.delta = 0.0;
        const at::Tensor mixed = drawContextMask(all, s, g);
        const double byBlock = (mixed.sum(1) < entries - 0.5).to(at::kFloat).mean().item<double>();
        QVERIFY2(std::abs(byBlock - 0.5) < 0.1, qPrintable(QString::number(byBlock)));
        s.blockSide = 13;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, drawContextMask(all, s, g));
        s.blockSide = 4;
        s.image = {1, 12, 10};  // does not match the data's entries
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, drawContextMask(all, s, g));
    }

    void unetDenoiserReadsStateAndMaskAsChannels() {
        PartialModelParts p = tinyModel(3);
        QCOMPARE(p.net->dims(), kSide * kSide);
        const at::Tensor t = at::full({5}, 10, at::kLong), state = at::randn({5, kSide * kSide}), mask = at::ones({5, kSide * kSide});
        const at::Tensor out = p.net->predictClean(t, state, mask, nullptr);
        QCOMPARE(out.sizes().vec(), (std::vector<int64_t>{5, kSide * kSide}));
        QVERIFY(!at::allclose(out, p.net->predictClean(t, state, at::zeros_like(mask), nullptr)));  // the mask is an input
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, p.net->predictClean(t, at::randn({5, 10}), at::ones({5, 10}), nullptr));
        ImageDenoiserConfig odd = tinyUnet();
        odd.height = 7;  // not divisible by 2 for the second level
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, [&] { return ImageDenoiser(odd); }());
    }

    void trainingNeverReadsUnobservedPixels() {
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(2);
        const int64_t rows = 48;
        const at::Tensor truth = rampImages(rows, g);
        const at::Tensor observed = (at::rand({rows, kSide * kSide}, g) < 0.5).to(at::kFloat);
        const at::Tensor nanFill = at::where(observed > 0.5, truth, at::full_like(truth, std::numeric_limits<float>::quiet_NaN()));
        const at::Tensor randomFill = at::where(observed > 0.5, truth, 1e3 * at::randn(truth.sizes(), g));
        PartialTrainingSettings s;
        s.updates = 6;
        s.batchSize = 16;
        s.seed = 4;
        s.context.image = {1, kSide, kSide};
        s.context.blockSide = 3;
        s.context.blockShare = 0.5;
        std::vector<at::Tensor> weights;
        for (const at::Tensor& values : {truth, nanFill, randomFill}) {
            PartialModelParts p = tinyModel(5);
            const std::vector<double> losses = trainPartialDiffusion(*p.net, p.schedule, values, observed, nullptr, s, {}, CancelToken());
            QVERIFY(!losses.empty() && std::isfinite(losses.back()));
            weights.push_back(flatWeights(*p.net));
        }
        QVERIFY(!at::equal(weights[0], flatWeights(*tinyModel(5).net)));
        QVERIFY(at::equal(weights[0], weights[1]));
        QVERIFY(at::equal(weights[0], weights[2]));
    }

    // Trained on half-observed ramps only, the model fills the missing half far better than each
    // image's observed mean, and every observed pixel comes back exactly.
    void completesStructuredImagesFromHalfOfTheirPixels() {
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(3);
        const int64_t rows = 512, test = 64;
        const at::Tensor truth = rampImages(rows + test, g);
        const at::Tensor observed = (at::rand(truth.sizes(), g) < 0.5).to(at::kFloat);
        PartialModelParts p = tinyModel(6);
        PartialTrainingSettings s;
        s.updates = 400;
        s.batchSize = 64;
        s.lr = 3e-3;
        s.lowNoiseShare = 0.8;
        s.context.delta = 0.2;
        trainPartialDiffusion(*p.net, p.schedule, truth.narrow(0, 0, rows), observed.narrow(0, 0, rows), nullptr, s, {},
                              CancelToken());
        const at::Tensor v = truth.narrow(0, rows, test), m = observed.narrow(0, rows, test);
        EnsembleSettings e;
        e.members = 8;
        const at::Tensor filled = ensembleComplete(p, at::where(m > 0.5, v, at::full_like(v, NAN)), m, nullptr, e);
        QVERIFY(at::equal(at::where(m > 0.5, filled, at::zeros_like(v)), at::where(m > 0.5, v, at::zeros_like(v))));
        const at::Tensor missing = 1.0 - m;
        const double mse = ((filled - v).square() * missing).sum().item<double>() / missing.sum().item<double>();
        const at::Tensor rowMean = (v * m).sum(1, true) / m.sum(1, true).clamp_min(1.0);
        const double baseline = ((rowMean - v).square() * missing).sum().item<double>() / missing.sum().item<double>();
        qInfo("completion MSE %.4f, each image's observed mean %.4f", mse, baseline);
        QVERIFY2(mse < 0.5 * baseline, qPrintable(QString("model %1 vs observed mean %2").arg(mse).arg(baseline)));
    }

    void modelFileKeepsTheUnetAndItsBlocks() {
        QTemporaryDir dir;
        PartialModelFile f;
        f.dataKind = "images";
        f.parts = tinyModel(8);
        f.parts.context.image = {1, kSide, kSide};
        f.parts.context.blockSide = 3;
        f.parts.context.blockShare = 0.5;
        const std::string path = dir.filePath("i.mpd").toStdString();
        savePartialModel(f, path);
        PartialModelFile back = loadPartialModel(path, "images");
        QVERIFY(dynamic_cast<ImageDenoiserImpl*>(back.parts.net.get()));
        QCOMPARE(back.parts.context.blockSide, int64_t(3));
        QCOMPARE(back.parts.context.blockShare, 0.5);
        QCOMPARE(back.parts.context.image.height, kSide);
        const at::Tensor t = at::full({2}, 3, at::kLong), x = at::randn({2, kSide * kSide}), m = at::ones({2, kSide * kSide});
        QVERIFY(at::allclose(f.parts.net->predictClean(t, x, m, nullptr), back.parts.net->predictClean(t, x, m, nullptr)));
        try {
            loadPartialModel(path, "vectors");
            QFAIL("loaded an image model as a vector model");
        } catch (const BundleError& e) {
            QVERIFY2(std::string(e.what()).find("for images, not for vectors") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestPartialImages)
#include "TestPartialImages.moc"
