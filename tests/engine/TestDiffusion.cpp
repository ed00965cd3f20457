// The mcLDM engine: U-Net shapes and condition injection at every level, masked vs. conditioned
// forwards, deterministic DDIM, RePaint keeping known values exactly, the TorchScript first
// stage, image metrics, bundle round trip and tiny training runs that lower the loss.
#include <QtTest/QtTest>
#include <QFileInfo>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/script.h>

#include <map>

#include "diffusion/DiffusionSampler.h"
#include "diffusion/ImageGeneration.h"
#include "diffusion/ImageMetrics.h"
#include "diffusion/ImageModelBundle.h"
#include "diffusion/McLdmTrainer.h"
#include "diffusion/TorchScriptFirstStage.h"
#include "mcvae/ModelBundle.h"

using namespace ms;

namespace {

diffusion::McUnetConfig tinyUnet() {
    diffusion::McUnetConfig c;
    c.inChannels = 4;
    c.baseChannels = 16;
    c.channelMult = {1, 2, 2};
    c.heads = 2;
    c.conditionDim = 4;
    c.conditionChannels = 8;
    c.classCounts = {3, 2};
    c.numericalCount = 1;
    return c;
}

ConditionInput knownConditions(int64_t rows) {
    return ConditionInput{at::tensor({int64_t(2), int64_t(1)}).view({1, 2}).expand({rows, 2}).contiguous(),
                          at::full({rows, 1}, 0.7f), at::ones({rows, 1})};
}

diffusion::McLdm tinyModel() {
    diffusion::McLdm m;
    m.schema.categorical = {{"style", {"a", "b", "c"}}, {"rim", {"spoked", "disc"}}};
    m.schema.numerical = {{"teeth", 0.0, 10.0}};
    m.normalization.numerical.min = {0.0};
    m.normalization.numerical.max = {10.0};
    m.imageSize = 16;
    m.imageChannels = 1;
    diffusion::KlAutoencoderConfig ac;
    ac.hiddenChannels = 8;
    m.autoencoder = diffusion::KlAutoencoder(ac);
    m.firstStage = std::make_shared<diffusion::KlFirstStage>(m.autoencoder);
    m.unet = diffusion::McUnet(tinyUnet());
    m.unet->eval();
    m.schedule = diffusion::NoiseSchedule::linear(100);
    return m;
}

// Every parameter and buffer of a module, cloned (by name).
std::map<std::string, at::Tensor> snapshot(const torch::nn::Module& m) {
    std::map<std::string, at::Tensor> out;
    for (const auto& p : m.named_parameters()) out[p.key()] = p.value().detach().clone();
    for (const auto& b : m.named_buffers()) out["buffer:" + b.key()] = b.value().detach().clone();
    return out;
}

void restore(torch::nn::Module& m, const std::map<std::string, at::Tensor>& values) {
    torch::NoGradGuard noGrad;
    for (auto& p : m.named_parameters()) p.value().copy_(values.at(p.key()));
    for (auto& b : m.named_buffers()) b.value().copy_(values.at("buffer:" + b.key()));
}

double largestDifference(const std::map<std::string, at::Tensor>& a, const std::map<std::string, at::Tensor>& b) {
    double worst = 0.0;
    for (const auto& [name, value] : a) {
        if (!value.is_floating_point()) {
            worst = std::max(worst, at::equal(value, b.at(name)) ? 0.0 : 1.0);
            continue;
        }
        worst = std::max(worst, (value - b.at(name)).abs().max().item<double>());
    }
    return worst;
}

}  // namespace

class TestDiffusion : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { at::manual_seed(3); }

    void scheduleAndSpacing() {
        const diffusion::NoiseSchedule s = diffusion::NoiseSchedule::linear();
        QCOMPARE(s.alphaBar.size(), std::size_t(1000));
        QVERIFY(std::abs(s.alphaBar[0] - (1.0 - 1e-4)) < 1e-12);
        QVERIFY(s.alphaBar.back() < 1e-4 && s.alphaBar.back() > 0.0);  // nearly pure noise at T
        const auto ts = diffusion::spacedTimesteps(1000, 20);
        QCOMPARE(ts.size(), std::size_t(20));
        QCOMPARE(ts.front(), int64_t(999));
        QCOMPARE(ts.back(), int64_t(0));
        for (std::size_t i = 1; i < ts.size(); ++i) QVERIFY(ts[i] < ts[i - 1]);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, diffusion::spacedTimesteps(1000, 0));
    }

    void unetShapesAndInjectionAtEveryLevel() {
        diffusion::McUnet unet(tinyUnet());
        const at::Tensor x = at::randn({2, 4, 8, 8});
        const at::Tensor out = unet->forward(x, at::tensor({int64_t(5), int64_t(900)}), knownConditions(2));
        QCOMPARE(out.sizes().vec(), x.sizes().vec());
        // Every level, down and up, has its own Linear -> BatchNorm projection of e_y, and every
        // one of them reaches the output (non-zero gradient).
        out.pow(2).sum().backward();
        int projections = 0;
        for (const auto& p : unet->named_parameters()) {
            const bool injection = p.key().find("_condition.") != std::string::npos && p.key().find(".0.weight") != std::string::npos;
            if (!injection) continue;
            ++projections;
            QVERIFY2(p.value().grad().defined() && p.value().grad().abs().sum().item<double>() > 0.0, p.key().c_str());
        }
        QCOMPARE(projections, 2 * 3);
        for (int64_t level = 0; level < 3; ++level)
            for (bool up : {false, true})
                QCOMPARE(unet->levelCondition(knownConditions(2), level, up).sizes().vec(), (std::vector<int64_t>{2, 8}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, unet->forward(at::randn({1, 4, 6, 6}), at::zeros({1}, at::kLong), knownConditions(1)));
    }

    void maskedAndConditionedForwardsDiffer() {
        diffusion::McLdm m = tinyModel();
        torch::NoGradGuard noGrad;
        const at::Tensor x = at::randn({2, 4, 4, 4});
        const at::Tensor t = at::full({2}, 50, at::kLong);
        const at::Tensor known = m.unet->forward(x, t, knownConditions(2));
        const at::Tensor masked = m.unet->forward(x, t, diffusion::allMaskedConditions(m, 2, at::kCPU));
        QVERIFY((known - masked).abs().max().item<double>() > 1e-5);
        // guidance 1 is the conditional prediction itself
        const at::Tensor guided1 = diffusion::guidedNoiseModel(m, knownConditions(2), 1.0)(x, t);
        QVERIFY(at::equal(guided1, known));
        // guidance s: eps_u + s (eps_c - eps_u)
        const at::Tensor guided3 = diffusion::guidedNoiseModel(m, knownConditions(2), 3.0)(x, t);
        QVERIFY(at::allclose(guided3, masked + 3.0 * (known - masked), 1e-4, 1e-5));
    }

    void ddimWithFixedSeedIsDeterministic() {
        diffusion::McLdm m = tinyModel();
        diffusion::ImageGenerationSettings s;
        s.sampler.steps = 5;
        s.seed = 11;
        const at::Tensor a = diffusion::generateImages(m, knownConditions(2), s).images;
        const at::Tensor b = diffusion::generateImages(m, knownConditions(2), s).images;
        QCOMPARE(a.sizes().vec(), (std::vector<int64_t>{2, 1, 16, 16}));
        QVERIFY(at::equal(a, b));
        s.seed = 12;
        QVERIFY(!at::equal(a, diffusion::generateImages(m, knownConditions(2), s).images));
        // eta > 0 and DDPM draw noise from the same seeded generator: deterministic too
        s.sampler.eta = 1.0;
        QVERIFY(at::equal(diffusion::generateImages(m, knownConditions(1), s).images, diffusion::generateImages(m, knownConditions(1), s).images));
        s.sampler.kind = diffusion::SamplerKind::Ddpm;
        s.sampler.steps = 100;
        QVERIFY(at::equal(diffusion::generateImages(m, knownConditions(1), s).images, diffusion::generateImages(m, knownConditions(1), s).images));
    }

    void previewsAndCancel() {
        diffusion::McLdm m = tinyModel();
        diffusion::ImageGenerationSettings s;
        s.sampler.steps = 6;
        s.previewEvery = 2;
        int previews = 0, calls = 0;
        CancelToken cancel;
        const diffusion::ImageResult r = diffusion::generateImages(m, knownConditions(1), s, [&](int64_t done, int64_t, const at::Tensor& img) {
            ++calls;
            if (img.defined()) {
                ++previews;
                [&] { QCOMPARE(img.sizes().vec(), (std::vector<int64_t>{1, 1, 16, 16})); }();
            }
            if (done == 4) cancel.cancel();  // stops after step 4
        }, cancel);
        QVERIFY(r.cancelled);
        QCOMPARE(r.stepsDone, int64_t(4));
        QCOMPARE(calls, 4);
        QCOMPARE(previews, 2);  // steps 2 and 4
    }

    void repaintKeepsKnownValuesExactly() {
        const diffusion::NoiseSchedule schedule = diffusion::NoiseSchedule::linear(100);
        const diffusion::NoiseModel model = [](const at::Tensor& x, const at::Tensor&) { return 0.3 * x + 0.1; };
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(4);
        const at::Tensor known = at::randn({2, 3, 8, 8}, g);
        at::Tensor keep = at::ones({1, 1, 8, 8});
        keep.slice(2, 2, 6).slice(3, 2, 6).zero_();
        diffusion::RepaintSettings rs;
        rs.steps = 20;
        rs.jumpLength = 5;
        rs.resamples = 3;
        int64_t calls = 0;
        const diffusion::SampleResult r = diffusion::repaint(model, schedule, known, keep, rs, g, [&](int64_t, int64_t, const at::Tensor&) { ++calls; });
        QVERIFY(!r.cancelled);
        QCOMPARE(calls, r.stepsTotal);
        QCOMPARE(r.stepsTotal, int64_t(20 + 3 * 5 * (3 - 1)));  // jumps at indices 0, 5, 10
        const at::Tensor keepAll = keep.expand_as(known).to(at::kBool);
        QVERIFY(at::equal(r.x.masked_select(keepAll), known.masked_select(keepAll)));
        QVERIFY(!at::equal(r.x.masked_select(~keepAll), known.masked_select(~keepAll)));

        // Through the latent model: pixels outside the region are the input's exactly.
        diffusion::McLdm m = tinyModel();
        const at::Tensor image = at::rand({1, 1, 16, 16}) * 2 - 1;
        at::Tensor region = at::zeros({1, 1, 16, 16});
        region.slice(2, 4, 9).slice(3, 0, 16).fill_(1.0);
        diffusion::ImageGenerationSettings s;
        s.repaint.steps = 10;
        s.repaint.jumpLength = 3;
        s.repaint.resamples = 2;
        const at::Tensor out = diffusion::inpaintImages(m, image, region, knownConditions(1), s).images;
        const at::Tensor outside = region < 0.5;
        QVERIFY(at::equal(out.masked_select(outside), image.masked_select(outside)));
        QVERIFY(!at::equal(out.masked_select(~outside), image.masked_select(~outside)));
    }

    void torchScriptFirstStageLoadsAndRoundTrips() {
        QTemporaryDir dir;
        const std::string enc = dir.filePath("enc.pt").toStdString(), dec = dir.filePath("dec.pt").toStdString();
        {
            torch::jit::Module e("Encoder");
            e.define("def forward(self, x):\n    return torch.avg_pool2d(x, 4).repeat(1, 2, 1, 1)\n");
            e.save(enc);
            torch::jit::Module d("Decoder");
            d.define("def forward(self, z):\n    return torch.repeat_interleave(torch.repeat_interleave(z[:, 0:1], 4, 2), 4, 3)\n");
            d.save(dec);
        }
        diffusion::TorchScriptFirstStage stage(enc, dec, 1, 16);
        QCOMPARE(stage.factor(), int64_t(4));
        QCOMPARE(stage.latentChannels(), int64_t(2));
        // A picture made of 4 x 4 blocks survives the round trip exactly.
        const at::Tensor blocks = at::rand({2, 1, 4, 4});
        const at::Tensor image = at::repeat_interleave(at::repeat_interleave(blocks, 4, 2), 4, 3);
        QVERIFY(at::allclose(stage.decode(stage.encode(image)), image, 1e-6, 1e-6));

        try {
            diffusion::TorchScriptFirstStage missing(dir.filePath("nope.pt").toStdString(), dec, 1, 16);
            QFAIL("a missing encoder must be rejected");
        } catch (const std::runtime_error& e) {
            QVERIFY(QString(e.what()).contains("nope.pt"));
        }
        const std::string bad = dir.filePath("bad.pt").toStdString();
        {
            torch::jit::Module d("Decoder");
            d.define("def forward(self, z):\n    return z\n");  // wrong shape
            d.save(bad);
        }
        try {
            diffusion::TorchScriptFirstStage wrong(enc, bad, 1, 16);
            QFAIL("a decoder that does not give images back must be rejected");
        } catch (const std::runtime_error& e) {
            QVERIFY(QString(e.what()).contains("bad.pt"));
        }
    }

    void metrics() {
        const at::Tensor a = at::rand({3, 1, 16, 16}) * 2 - 1;
        QVERIFY(diffusion::perImageMse(a, a).abs().max().item<double>() == 0.0);
        QVERIFY(at::allclose(diffusion::perImageSsim(a, a), at::ones({3}), 1e-5, 1e-5));
        const at::Tensor b = at::rand({3, 1, 16, 16}) * 2 - 1;
        QVERIFY((diffusion::perImageSsim(a, b) < 0.5).all().item<bool>());
        QVERIFY(at::allclose(diffusion::perImageSsim(a, b), diffusion::perImageSsim(b, a)));
        // MSE on [0, 1] intensities: black vs white is 1
        QVERIFY(std::abs(diffusion::perImageMse(at::full({1, 1, 16, 16}, -1.0), at::ones({1, 1, 16, 16})).item<double>() - 1.0) < 1e-6);
    }

    void bundleRoundTrip() {
        diffusion::McLdm m = tinyModel();
        m.latentScale = 0.7;
        QTemporaryDir dir;
        const std::string path = dir.filePath("tiny.msi").toStdString();
        diffusion::ImageModelFile file;
        file.model = m;
        file.training = {{"note", "test"}};
        diffusion::saveImageModel(file, path);
        diffusion::ImageModelFile back = diffusion::loadImageModel(path);
        QCOMPARE(back.model.latentScale, 0.7);
        QVERIFY(back.model.schema == m.schema);
        QCOMPARE(back.training["note"].get<std::string>(), std::string("test"));
        torch::NoGradGuard noGrad;
        const at::Tensor x = at::randn({1, 4, 4, 4});
        const at::Tensor t = at::full({1}, 10, at::kLong);
        QVERIFY(at::equal(m.unet->forward(x, t, knownConditions(1)), back.model.unet->forward(x, t, knownConditions(1))));
        const at::Tensor img = at::rand({1, 1, 16, 16});
        QVERIFY(at::equal(m.firstStage->encode(img), back.model.firstStage->encode(img)));
        QVERIFY(!back.optimizer.expAvg.defined());
        QVERIFY(!QFile::exists(QString::fromStdString(diffusion::imageModelResumePath(path))));

        // The optimizer's moments go to the resume file beside the model, not into it: the model
        // stays the weights' size, and resuming reads them back.
        int64_t parameters = 0;
        for (const auto& p : m.unet->parameters()) parameters += p.numel();
        const auto modelBytes = QFileInfo(QString::fromStdString(path)).size();
        file.optimizer = {at::rand({parameters}), at::rand({parameters}), 42};
        diffusion::saveImageModel(file, path);
        QVERIFY(QFileInfo(QString::fromStdString(path)).size() < modelBytes + 4096);
        QVERIFY(QFile::exists(QString::fromStdString(diffusion::imageModelResumePath(path))));
        const diffusion::ImageModelFile resumed = diffusion::loadImageModel(path);
        QVERIFY(at::equal(resumed.optimizer.expAvg, file.optimizer.expAvg));
        QVERIFY(at::equal(resumed.optimizer.expAvgSq, file.optimizer.expAvgSq));
        QCOMPARE(resumed.optimizer.step, int64_t(42));
        // Saved again without moments: the stale resume file goes.
        file.optimizer = {};
        diffusion::saveImageModel(file, path);
        QVERIFY(!QFile::exists(QString::fromStdString(diffusion::imageModelResumePath(path))));

        // A file of another kind is refused with its name.
        const std::string other = dir.filePath("other.msi").toStdString();
        { std::ofstream(other) << "not a model"; }
        try {
            diffusion::loadImageModel(other);
            QFAIL("garbage must be refused");
        } catch (const BundleError& e) {
            QVERIFY(QString(e.what()).contains("other.msi"));
        }
    }

    void tinyTrainingLowersTheLoss() {
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(9);
        // Latents whose mean depends on the first condition: learnable structure.
        const int64_t n = 64;
        ConditionInput cond{at::randint(3, {n, 2}, g), at::rand({n, 1}, g), at::ones({n, 1})};
        cond.categorical.select(1, 1).clamp_max_(1);
        const at::Tensor latents = cond.categorical.select(1, 0).to(at::kFloat).view({n, 1, 1, 1}).expand({n, 4, 4, 4}) - 1.0 +
                                   0.1 * at::randn({n, 4, 4, 4}, g);
        diffusion::McUnet unet(tinyUnet());
        diffusion::LdmTrainSettings s;
        s.epochs = 25;
        s.batchSize = 16;
        s.lr = 2e-3;
        const auto history = diffusion::trainMcLdm(unet, latents, cond, diffusion::NoiseSchedule::linear(100), s, g, {}, CancelToken());
        QCOMPARE(history.size(), std::size_t(25));
        QVERIFY2(history.back() < 0.7 * history.front(), (std::to_string(history.front()) + " -> " + std::to_string(history.back())).c_str());

        diffusion::KlAutoencoderConfig ac;
        ac.hiddenChannels = 8;
        diffusion::KlAutoencoder ae(ac);
        const at::Tensor images = at::repeat_interleave(at::repeat_interleave(at::rand({32, 1, 4, 4}, g), 4, 2), 4, 3) * 2 - 1;
        diffusion::AutoencoderTrainSettings as;
        as.epochs = 15;
        as.batchSize = 8;
        const auto aeHistory = diffusion::trainAutoencoder(ae, images, as, g, {}, CancelToken());
        QVERIFY(aeHistory.back() < 0.7 * aeHistory.front());

        CancelToken cancel;
        cancel.cancel();
        diffusion::McUnet other(tinyUnet());
        QVERIFY(diffusion::trainMcLdm(other, latents, cond, diffusion::NoiseSchedule::linear(100), s, g, {}, cancel).empty());
    }

    void resumingContinuesEpochsAndOptimizer() {
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(10);
        const int64_t n = 32;
        const ConditionInput cond{at::zeros({n, 2}, at::kLong), at::rand({n, 1}, g), at::ones({n, 1})};
        const at::Tensor latents = at::randn({n, 4, 4, 4}, g);
        diffusion::McUnet unet(tinyUnet());
        diffusion::LdmTrainSettings s;
        s.epochs = 6;
        s.batchSize = 16;
        AdamWState state;
        CancelToken cancel;
        std::vector<int64_t> seen;
        const EpochLossFn record = [&](int64_t epoch, double) {
            seen.push_back(epoch);
            if (epoch == 4) cancel.cancel();
        };
        const auto first = diffusion::trainMcLdm(unet, latents, cond, diffusion::NoiseSchedule::linear(100), s, g, record, cancel, 0, &state);
        QCOMPARE(first.size(), std::size_t(4));
        QVERIFY(state.expAvg.defined());
        QCOMPARE(state.step, int64_t(4 * 2));  // 2 steps per epoch
        const auto second = diffusion::trainMcLdm(unet, latents, cond, diffusion::NoiseSchedule::linear(100), s, g, record, CancelToken(), 4, &state);
        QCOMPARE(second.size(), std::size_t(2));
        QCOMPARE(seen, (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
        QCOMPARE(state.step, int64_t(6 * 2));  // the moments carried on
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 diffusion::trainMcLdm(unet, latents, cond, diffusion::NoiseSchedule::linear(100), s, g, {}, CancelToken(), 6, &state));
    }
    // A run stopped inside an epoch (kill -9 after a mid-epoch checkpoint) and resumed from that
    // position ends with the same weights, moments and epoch losses as the run that never stopped.
    void resumingInsideAnEpochMatchesTheUninterruptedRun() {
        at::Generator data = at::make_generator<at::CPUGeneratorImpl>(11);
        const int64_t n = 48;  // 3 batches of 16 per epoch
        const ConditionInput cond{at::randint(2, {n, 2}, data), at::rand({n, 1}, data), at::ones({n, 1})};
        const at::Tensor latents = at::randn({n, 4, 4, 4}, data);
        diffusion::LdmTrainSettings s;
        s.epochs = 3;
        s.batchSize = 16;
        diffusion::McUnet reference(tinyUnet());
        const auto initial = snapshot(*reference);
        const auto schedule = diffusion::NoiseSchedule::linear(100);

        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(5);
        AdamWState refState;
        const auto refHistory = diffusion::trainMcLdm(reference, latents, cond, schedule, s, g, {}, CancelToken(), 0, &refState);
        QCOMPARE(refHistory.size(), std::size_t(3));

        // the same run, stopped right after the checkpoint at epoch 2, 16 rows in
        diffusion::McUnet stopped(tinyUnet());
        restore(*stopped, initial);
        at::Generator g2 = at::make_generator<at::CPUGeneratorImpl>(5);
        AdamWState state;
        CancelToken cancel;
        EpochPosition position;
        std::map<std::string, at::Tensor> weights;
        AdamWState moments;
        int checkpoints = 0;
        std::vector<double> firstHistory;
        const EpochLossFn recordFirst = [&](int64_t, double loss) { firstHistory.push_back(loss); };
        diffusion::LdmTrainSettings s2 = s;
        s2.midEpoch = {1e-9, [&](const EpochPosition& p) {  // every step
                           ++checkpoints;
                           QVERIFY(p.rowsDone > 0 && p.rowsDone < n);
                           if (p.epoch != 2 || p.rowsDone != 16) return;
                           position = EpochPosition{p.epoch, p.rowsDone, p.lossSum, p.permutation.clone(), p.generatorState.clone()};
                           weights = snapshot(*stopped);
                           moments = AdamWState{state.expAvg.clone(), state.expAvgSq.clone(), state.step};
                           cancel.cancel();
                       }};
        QCOMPARE(diffusion::trainMcLdm(stopped, latents, cond, schedule, s2, g2, recordFirst, cancel, 0, &state).size(), std::size_t(1));
        QCOMPARE(checkpoints, 2 + 1);  // two inside epoch 1 (after 16 and 32 rows), the one it stopped at
        QVERIFY(position.defined());
        QCOMPARE(moments.step, int64_t(3 + 1));

        // a new process: the weights and moments of the checkpoint, any generator
        diffusion::McUnet resumed(tinyUnet());
        restore(*resumed, weights);
        at::Generator other = at::make_generator<at::CPUGeneratorImpl>(999);
        diffusion::LdmTrainSettings s3 = s;
        s3.resumeFrom = position;
        std::vector<int64_t> epochs;
        const EpochLossFn numbered = [&](int64_t epoch, double) { epochs.push_back(epoch); };
        const auto rest = diffusion::trainMcLdm(resumed, latents, cond, schedule, s3, other, numbered, CancelToken(), 1, &moments);
        QCOMPARE(epochs, (std::vector<int64_t>{2, 3}));
        QCOMPARE(firstHistory.front(), refHistory[0]);
        QCOMPARE(rest, (std::vector<double>{refHistory[1], refHistory[2]}));
        QCOMPARE(largestDifference(snapshot(*resumed), snapshot(*reference)), 0.0);
        QCOMPARE(moments.step, refState.step);
        QVERIFY(at::equal(moments.expAvg, refState.expAvg));

        // a position that does not fit the run is refused by name
        diffusion::LdmTrainSettings wrong = s;
        wrong.resumeFrom = position;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 diffusion::trainMcLdm(resumed, latents, cond, schedule, wrong, other, {}, CancelToken(), 2, &moments));
    }

    // The position travels in the model's resume file; one left from another checkpoint of the run
    // (kill -9 between the model's write and the resume file's) is not used: the epoch's start.
    void midEpochPositionRoundTripsAndAStaleResumeFileIsIgnored() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/run.msi").toStdString();
        diffusion::ImageModelFile file;
        file.model = tinyModel();
        file.completedEpochs = 1;
        file.partial = true;
        int64_t parameters = 0;
        for (const auto& p : file.model.unet->parameters()) parameters += p.numel();
        file.optimizer = AdamWState{at::full({parameters}, 0.5f), at::full({parameters}, 0.25f), 7};
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(4);
        file.position = EpochPosition{2, 32, 1.5, at::randperm(40, g, at::kLong), g.get_state()};
        diffusion::saveImageModel(file, path);
        diffusion::ImageModelFile loaded = diffusion::loadImageModel(path);
        QVERIFY(loaded.position.defined());
        QCOMPARE(loaded.position.epoch, int64_t(2));
        QCOMPARE(loaded.position.rowsDone, int64_t(32));
        QCOMPARE(loaded.position.lossSum, 1.5);
        QVERIFY(at::equal(loaded.position.permutation, file.position.permutation));
        QVERIFY(at::equal(loaded.position.generatorState, file.position.generatorState));
        QCOMPARE(loaded.optimizer.step, int64_t(7));

        const QString resume = QString::fromStdString(diffusion::imageModelResumePath(path));
        QVERIFY(QFile::copy(resume, resume + ".old"));
        file.optimizer.step = 9;
        file.position.rowsDone = 36;
        diffusion::saveImageModel(file, path);
        QVERIFY(QFile::remove(resume));
        QVERIFY(QFile::rename(resume + ".old", resume));  // the model of step 9 beside the resume file of step 7
        loaded = diffusion::loadImageModel(path);
        QVERIFY(!loaded.position.defined());
        QCOMPARE(loaded.optimizer.step, int64_t(7));  // the moments a checkpoint apart: better than none
        QVERIFY(loaded.optimizer.expAvg.defined());
        QCOMPARE(loaded.completedEpochs, int64_t(1));

        file.position = EpochPosition{};  // an epoch's end: no position, in either file
        diffusion::saveImageModel(file, path);
        loaded = diffusion::loadImageModel(path);
        QVERIFY(!loaded.position.defined());
        QCOMPARE(loaded.optimizer.step, int64_t(9));
    }
};

QTEST_GUILESS_MAIN(TestDiffusion)
#include "TestDiffusion.moc"
