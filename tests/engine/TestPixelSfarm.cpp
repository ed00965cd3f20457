// SFARM on images (issue 5): the IDX reader names bad files, the discretised logistic is a proper
// distribution over the grey levels, the SFARM U-Net never alters observed pixels and learns
// (likelihood up) and finds the pixels that tell about a target pixel (information gain), the
// benchmark masks have the asked-for shape, and the three pixel models
// (SFARM, MIWAE, DDPM + RePaint) save, load and keep observed pixels. The last case reads the real
// Fashion-MNIST files (MASKSTUDIO_FASHION_MNIST, Debian's dataset-fashion-mnist).
#include <QtTest/QtTest>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <fstream>
#include <random>
#include <set>

#include "core/data/DataError.h"
#include "core/data/IdxImages.h"
#include "experiments/PixelImputationBenchmark.h"
#include "experiments/PixelModels.h"
#include "mcvae/ModelBundle.h"
#include "sfarm/DiscretisedLogistic.h"
#include "sfarm/SfarmInference.h"
#include "sfarm/SfarmInformationGain.h"
#include "sfarm/SfarmTrainer.h"
#include "sfarm/SfarmUnet.h"

using namespace ms;

namespace {

// 8 x 8 images of two kinds: a bright left half or a bright top half, plus noise, as uint8.
at::Tensor halvesImages(int64_t n, uint64_t seed) {
    at::Generator g = at::make_generator<at::CPUGeneratorImpl>(seed);
    at::Tensor images = at::zeros({n, 8, 8});
    const at::Tensor kind = at::randint(2, {n}, g, at::kLong);
    for (int64_t i = 0; i < n; ++i) {
        if (kind[i].item<int64_t>() == 0) images[i].narrow(1, 0, 4).fill_(0.8);
        else images[i].narrow(0, 0, 4).fill_(0.8);
    }
    images = (images + 0.1 + 0.05 * at::randn({n, 8, 8}, g, at::kFloat)).clamp(0.0, 1.0);
    return (images * 255.0).round().to(at::kByte);
}

// The message of the E that `call` throws ("" when it throws none).
template <class E, class F>
QString errorOf(F call) {
    try {
        call();
    } catch (const E& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

sfarm::SfarmUnetConfig tinyUnet() {
    sfarm::SfarmUnetConfig c;
    c.height = 8;
    c.width = 8;
    c.baseChannels = 8;
    c.channelMult = {1, 2};
    c.resBlocks = 1;
    return c;
}

}  // namespace

class TestPixelSfarm : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

private Q_SLOTS:
    void idxRoundTripPlainAndGzip() {
        const at::Tensor images = halvesImages(5, 1);
        for (const char* name : {"a-idx3-ubyte.gz", "a-idx3-ubyte"}) {
            writeIdxImages(path(name), images);
            QVERIFY(at::equal(readIdxImages(path(name)), images));
            QVERIFY(at::equal(readIdxImages(path(name), 2), images.narrow(0, 0, 2)));
        }
    }

    void idxErrorsNameTheFile() {
        {
            std::ofstream f(path("bad.gz"), std::ios::binary);
            f << "not an idx file at all";
        }
        const QString notIdx = errorOf<DataError>([&] { readIdxImages(path("bad.gz")); });
        QVERIFY2(notIdx.contains("bad.gz") && notIdx.contains("magic"), qPrintable(notIdx));
        // A label file is not an image file.
        {
            std::ofstream f(path("labels"), std::ios::binary);
            const unsigned char header[] = {0, 0, 8, 1, 0, 0, 0, 1, 7};
            f.write(reinterpret_cast<const char*>(header), sizeof header);
        }
        QVERIFY_THROWS_EXCEPTION(DataError, readIdxImages(path("labels")));
        QCOMPARE(readIdxLabels(path("labels"))[0].item<int64_t>(), int64_t{7});
        // Truncated data.
        {
            std::ofstream f(path("short"), std::ios::binary);
            const unsigned char header[] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 4, 1, 2, 3};
            f.write(reinterpret_cast<const char*>(header), sizeof header);
        }
        const QString truncated = errorOf<DataError>([&] { readIdxImages(path("short")); });
        QVERIFY2(truncated.contains("short") && truncated.contains("ends inside"), qPrintable(truncated));
        // A header that declares 2,000 images of 10000 x 10000 over 3 bytes: truncated, without
        // allocating the 200 GB it declares (found by tests/fuzz); 6.5 * 10^12 bytes: refused at once.
        for (const auto& [name, n] : {std::pair<const char*, unsigned char>{"lying", 0x07}, {"huge", 0xff}}) {
            std::ofstream f(path(name), std::ios::binary);
            const unsigned char header[] = {0, 0, 8, 3, 0, 0, n, 0xd0, 0, 0, 0x27, 0x10, 0, 0, 0x27, 0x10, 1, 2, 3};
            f.write(reinterpret_cast<const char*>(header), sizeof header);
        }
        const QString lying = errorOf<DataError>([&] { readIdxImages(path("lying")); });
        QVERIFY2(lying.contains("lying") && lying.contains("ends inside"), qPrintable(lying));
        const QString huge = errorOf<DataError>([&] { readIdxImages(path("huge")); });
        QVERIFY2(huge.contains("huge") && huge.contains("1 TiB"), qPrintable(huge));
        QVERIFY_THROWS_EXCEPTION(DataError, readIdxImages(path("does-not-exist.gz")));
    }

    void discretisedLogisticSumsToOneOverTheBins() {
        const int64_t bins = 256;
        const at::Tensor centres = at::arange(bins, at::kDouble) * (2.0 / (bins - 1)) - 1.0;
        for (double mean : {-1.3, -0.2, 0.0, 0.7, 1.0}) {
            for (double logScale : {-7.0, -3.0, -1.0, 1.0}) {
                const at::Tensor lp = sfarm::discretisedLogisticLogProb(centres, at::full({bins}, mean, at::kDouble),
                                                                 at::full({bins}, logScale, at::kDouble), bins);
                QVERIFY(lp.isfinite().all().item<bool>());
                const double total = lp.exp().sum().item<double>();
                QVERIFY2(std::abs(total - 1.0) < 2e-3, qPrintable(QString("mean %1 log s %2: %3").arg(mean).arg(logScale).arg(total)));
            }
        }
        // A sharp logistic puts its mass on the nearest bin.
        const at::Tensor sharp = sfarm::discretisedLogisticLogProb(centres, at::full({bins}, centres[100].item<double>(), at::kDouble),
                                                            at::full({bins}, -7.0, at::kDouble), bins);
        QCOMPARE(sharp.argmax().item<int64_t>(), int64_t{100});
        QVERIFY(sharp[100].exp().item<double>() > 0.97);  // 2 sigmoid(half bin / s) - 1 = 0.973
        // Draws and point estimates lie on bin centres inside [-1, 1].
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(3);
        const at::Tensor draws = sfarm::discretisedLogisticSample(at::zeros({4000}), at::full({4000}, 0.5), bins, g);
        QVERIFY(draws.min().item<float>() >= -1.0f && draws.max().item<float>() <= 1.0f);
        const at::Tensor level = (draws + 1.0) * 0.5 * (bins - 1);
        QVERIFY((level - level.round()).abs().max().item<float>() < 1e-3f);
        QVERIFY((draws == -1.0f).any().item<bool>() && (draws == 1.0f).any().item<bool>());  // the tails land in the end bins
        QCOMPARE(sfarm::discretisedLogisticPoint(at::tensor({2.0f, -0.001f}), bins)[0].item<float>(), 1.0f);
    }

    void unetImputationKeepsObservedPixels() {
        sfarm::SfarmUnet net(tinyUnet());
        net->eval();
        const at::Tensor x = experiments::greyLevels(halvesImages(6, 2));
        std::mt19937_64 rng(4);
        for (int mode = 0; mode < sfarm::kMaskingModeCount; ++mode) {
            for (int64_t steps : {int64_t{0}, int64_t{5}}) {
                const at::Tensor observed = at::rand({6, 64}) < 0.4;
                sfarm::ImputeSettings s;
                s.mode = static_cast<sfarm::MaskingMode>(mode);
                s.steps = steps;
                const at::Tensor out = sfarm::sfarmImpute(*net, sfarm::ElementGrid{8, 8}, x, observed, s, rng);
                QVERIFY(at::equal(out.masked_select(observed), x.masked_select(observed)));
                QVERIFY(out.isfinite().all().item<bool>());
                QVERIFY(out.min().item<float>() >= 0.0f && out.max().item<float>() <= 1.0f);
            }
        }
    }

    void unetLikelihoodImprovesWithTraining() {
        torch::manual_seed(0);
        sfarm::SfarmUnet net(tinyUnet());
        const at::Tensor train = experiments::greyLevels(halvesImages(512, 5)), test = experiments::greyLevels(halvesImages(32, 6));
        const at::Tensor none = at::zeros({32, 64}, at::kBool);
        std::mt19937_64 rng(7);
        net->eval();
        const double before = sfarm::sfarmLogLikelihood(*net, test, none, none.logical_not(), 1, rng).mean().item<double>();
        sfarm::SfarmTrainingConfig c;
        c.epochs = 15;
        c.batchSize = 32;
        c.lr = 2e-3;
        c.modes = {sfarm::MaskingMode::Random, sfarm::MaskingMode::LeftToRight, sfarm::MaskingMode::InteriorPatch};
        const auto history = sfarm::trainSfarm(*net, sfarm::ElementGrid{8, 8}, train, at::ones(train.sizes(), at::kBool), c, {}, CancelToken());
        QCOMPARE(static_cast<int>(history.size()), 15);
        QVERIFY(history.back().loss < history.front().loss);
        const double after = sfarm::sfarmLogLikelihood(*net, test, none, none.logical_not(), 1, rng).mean().item<double>();
        QVERIFY(std::isfinite(before) && std::isfinite(after));
        QVERIFY2(after > before + 64 * 0.5, qPrintable(QString("log p before %1, after %2").arg(before).arg(after)));
        // Knowing the left column of a "left half" image, the model fills the left half bright.
        at::Tensor probe = at::full({1, 64}, 0.1f);
        for (int64_t r = 0; r < 8; ++r)
            for (int64_t col = 0; col < 4; ++col) probe[0][r * 8 + col] = 0.9f;
        at::Tensor observed = at::zeros({1, 64}, at::kBool);
        for (int64_t r = 0; r < 8; ++r) observed[0][r * 8] = true;  // column 0 only
        observed[0][7] = true;                                          // and the top-right pixel (dark)
        sfarm::ImputeSettings point;
        point.sample = false;
        const at::Tensor out = sfarm::sfarmImpute(*net, sfarm::ElementGrid{8, 8}, probe, observed, point, rng).view({8, 8});
        const double left = out.narrow(1, 1, 3).mean().item<double>(), right = out.narrow(1, 4, 4).mean().item<double>();
        QVERIFY2(left > right + 0.3, qPrintable(QString("left %1, right %2").arg(left).arg(right)));
    }

    void unetInformationGainFindsThePixelsThatTellTheKind() {
        // The bottom-left pixel is bright exactly in "left half" images. The top-left pixel is
        // bright and the bottom-right one dark in both kinds (they tell nothing about it); (2, 5)
        // and (4, 1) each tell the kind. (The top-right corner told it too, but the tiny U-Net's
        // receptive field does not link it to the bottom-left corner: the old estimator ranked it
        // by its own noise, and on some machines did not.)
        torch::manual_seed(1);
        sfarm::SfarmUnet net(tinyUnet());
        const at::Tensor train = experiments::greyLevels(halvesImages(512, 8));
        sfarm::SfarmTrainingConfig c;
        c.epochs = 40;
        c.batchSize = 32;
        c.lr = 2e-3;
        sfarm::trainSfarm(*net, sfarm::ElementGrid{8, 8}, train, at::ones(train.sizes(), at::kBool), c, {}, CancelToken());
        at::Tensor target = at::zeros({64}, at::kBool);
        target[7 * 8 + 0] = true;
        sfarm::InformationGainSettings s;
        s.samples = 128;
        s.batchRows = 200;  // several calls per candidate set
        std::mt19937_64 rng(9);
        const int64_t topLeft = 0, bottomRight = 63, upperRight = 2 * 8 + 5, middleLeft = 4 * 8 + 1;
        const auto ranked = sfarm::rankByInformationGain(*net, at::zeros({64}), at::zeros({64}, at::kBool), target,
                                                  {topLeft, bottomRight, upperRight, middleLeft}, s, rng);
        QCOMPARE(ranked.size(), size_t(4));
        QString order;
        for (const auto& r : ranked) order += QString("%1: %2; ").arg(r.element).arg(r.information, 0, 'f', 3);
        const std::set<int64_t> firstTwo{ranked[0].element, ranked[1].element};
        QVERIFY2(firstTwo == (std::set<int64_t>{upperRight, middleLeft}), qPrintable(order));
        // The marginal is a mixture of the same conditionals: pixels that tell nothing come out
        // near 0, not at whatever the network's step-1 and step-2 conditionals disagree by.
        QVERIFY2(std::abs(ranked[2].information) < 0.05 && std::abs(ranked[3].information) < 0.05, qPrintable(order));
        QVERIFY2(ranked[1].information > ranked[2].information + 0.01, qPrintable(order));
    }

    void benchmarkMasks() {
        std::mt19937_64 rng(1);
        for (double rate : {0.05, 0.3, 0.9}) {
            const at::Tensor uniform = experiments::pixelObservedMask(experiments::PixelMaskKind::Uniform, 10, 28, 28, rate, rng);
            const at::Tensor missing = uniform.logical_not().sum(1);
            const auto expected = static_cast<int64_t>(std::llround(rate * 784));
            QVERIFY(at::all(missing == expected).item<bool>());
            const at::Tensor block = experiments::pixelObservedMask(experiments::PixelMaskKind::Block, 10, 28, 28, rate, rng);
            const auto side = static_cast<int64_t>(std::llround(std::sqrt(rate * 784)));
            for (int64_t i = 0; i < 10; ++i) {
                const at::Tensor m = block[i].logical_not().view({28, 28});
                QCOMPARE(m.sum().item<int64_t>(), side * side);
                const at::Tensor rows = m.any(1).nonzero(), cols = m.any(0).nonzero();
                QCOMPARE(rows.size(0), side);  // one contiguous square
                QCOMPARE(cols.size(0), side);
                QCOMPARE(rows[-1].item<int64_t>() - rows[0].item<int64_t>() + 1, side);
            }
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, experiments::pixelObservedMask(experiments::PixelMaskKind::Block, 1, 8, 8, 1.5, rng));
    }

    void pixelModelsSaveLoadAndKeepObservedPixels() {
        const at::Tensor raw = halvesImages(64, 8);
        const at::Tensor x = experiments::greyLevels(raw.narrow(0, 0, 6));
        std::mt19937_64 rng(2);
        const at::Tensor observed = experiments::pixelObservedMask(experiments::PixelMaskKind::Block, 6, 8, 8, 0.3, rng);
        for (experiments::PixelMethod method : {experiments::PixelMethod::Sfarm, experiments::PixelMethod::Miwae, experiments::PixelMethod::Ddpm}) {
            experiments::PixelTrainSettings s;
            s.method = method;
            s.epochs = 2;
            s.batchSize = 16;
            s.baseChannels = 8;
            s.miwaeHidden = 16;
            s.miwaeLatent = 4;
            std::vector<double> losses;
            const experiments::PixelModel m = experiments::trainPixelModel(raw, s, [&](int64_t, double l) { losses.push_back(l); }, CancelToken());
            QVERIFY(!losses.empty() && std::isfinite(losses.back()));
            const std::string file = path((std::string(experiments::pixelMethodName(method)) + ".pxm").c_str());
            experiments::savePixelModel(m, file);
            const experiments::PixelModel back = experiments::loadPixelModel(file);
            QCOMPARE(back.method, method);
            experiments::PixelImputeSettings is;
            is.seed = 5;
            is.repaint = {10, 5, 2};
            is.miwaeProposals = 50;
            const at::Tensor a = experiments::imputePixels(m, x, observed, is), b = experiments::imputePixels(back, x, observed, is);
            QVERIFY2(at::allclose(a, b, 0.0, 1e-5), experiments::pixelMethodName(method));  // same weights, same seed
            QVERIFY(at::equal(a.masked_select(observed), x.masked_select(observed)));
            QVERIFY(a.min().item<float>() >= 0.0f && a.max().item<float>() <= 1.0f);
            QVERIFY(std::isfinite(experiments::missingPixelMse(a, x, observed)));
            if (method == experiments::PixelMethod::Miwae) {  // its point imputation: smoother than a draw, observed pixels kept
                is.miwaeMean = true;
                const at::Tensor mean = experiments::imputePixels(m, x, observed, is);
                QVERIFY(at::equal(mean.masked_select(observed), x.masked_select(observed)));
                QVERIFY(experiments::missingPixelMse(mean, x, observed) < experiments::missingPixelMse(a, x, observed));
            }
        }
        // A file of another kind is refused with its path.
        {
            std::ofstream f(path("junk.pxm"), std::ios::binary);
            f << "junk";
        }
        const QString junk = errorOf<BundleError>([&] { experiments::loadPixelModel(path("junk.pxm")); });
        QVERIFY2(junk.contains("junk.pxm"), qPrintable(junk));
    }

    void realFashionMnistFiles() {
        const QByteArray folder = qgetenv("MASKSTUDIO_FASHION_MNIST");
        QVERIFY2(!folder.isEmpty(), "MASKSTUDIO_FASHION_MNIST is not set (ctest sets it)");
        const at::Tensor images = readIdxImages(fashionMnistImages(folder.toStdString(), false), 50);
        QCOMPARE(images.sizes().vec(), (std::vector<int64_t>{50, 28, 28}));
        QCOMPARE(images.max().item<uint8_t>(), uint8_t{255});
        const at::Tensor labels = readIdxLabels(fashionMnistLabels(folder.toStdString(), false), 50);
        QCOMPARE(labels.size(0), int64_t{50});
        QVERIFY(labels.min().item<int64_t>() >= 0 && labels.max().item<int64_t>() <= 9);
        QCOMPARE(labels[0].item<int64_t>(), int64_t{9});  // the first test image is an ankle boot
        QCOMPARE(readIdxImages(fashionMnistImages(folder.toStdString(), true), 3).size(0), int64_t{3});
    }
};

QTEST_GUILESS_MAIN(TestPixelSfarm)
#include "TestPixelSfarm.moc"
