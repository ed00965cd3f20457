// Mask-conditional generation (MCGM, METHODS.md §4): the U-Net's cross-attention to condition
// and target-shape tokens, the mask encoder being trained, the mask attention loss teaching the
// attention where the mask is, guidance with a target shape, silhouettes of design images,
// the checks on a user's mask, and .msi files with and without cross-attention.
#include <QtTest/QtTest>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/optim/adam.h>

#include "api/RenderFrame.h"
#include "api/TargetMask.h"
#include "diffusion/ConceptTuning.h"
#include "diffusion/ImageModelBundle.h"
#include "diffusion/MaskAttention.h"
#include "diffusion/McLdmTrainer.h"
#include "diffusion/RandomPlacement.h"
#include "diffusion/TargetShape.h"
#include "SmallUnets.h"

using namespace ms;

namespace {

diffusion::McUnetConfig crossUnet() { return testing::smallCrossAttentionUnet({1, 2, 2}); }

ConditionInput knownConditions(int64_t rows) {
    return ConditionInput{at::tensor({int64_t(2), int64_t(1)}).view({1, 2}).expand({rows, 2}).contiguous(),
                          at::full({rows, 1}, 0.7f), at::ones({rows, 1})};
}

// [rows, 1, 32, 32]: a filled rectangle, rows x0..x1, y0..y1 in pixels
at::Tensor boxMask(int64_t rows, int64_t x0, int64_t x1, int64_t y0, int64_t y1) {
    at::Tensor m = at::zeros({rows, 1, 32, 32});
    m.narrow(2, y0, y1 - y0).narrow(3, x0, x1 - x0).fill_(1.0);
    return m;
}

diffusion::McLdm crossModel() {
    diffusion::McLdm m;
    m.schema.categorical = {{"style", {"a", "b", "c"}}, {"rim", {"spoked", "disc"}}};
    m.schema.numerical = {{"teeth", 0.0, 10.0}};
    m.normalization.numerical.min = {0.0};
    m.normalization.numerical.max = {10.0};
    m.imageSize = 32;
    m.imageChannels = 1;
    diffusion::KlAutoencoderConfig ac;
    ac.hiddenChannels = 8;
    m.autoencoder = diffusion::KlAutoencoder(ac);
    m.firstStage = std::make_shared<diffusion::KlFirstStage>(m.autoencoder);
    m.unet = diffusion::McUnet(crossUnet());
    m.unet->eval();
    m.schedule = diffusion::NoiseSchedule::linear(100);
    return m;
}

}  // namespace

class TestMaskConditional : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { at::manual_seed(5); }

    void crossAttentionSeesEveryTokenAtTheFinestLevels() {
        diffusion::McUnet unet(crossUnet());
        unet->eval();
        torch::NoGradGuard noGrad;
        const diffusion::McUnetConfig& c = unet->config();
        QCOMPARE(c.tokenCount(), int64_t(1 + 3 + 1));  // null, 3 conditions, mask
        const at::Tensor x = at::randn({2, 4, 8, 8});
        const at::Tensor t = at::full({2}, 40, at::kLong);
        std::vector<at::Tensor> maps;
        const at::Tensor out = unet->forward(x, t, knownConditions(2), boxMask(2, 4, 20, 8, 24), &maps);
        QCOMPARE(out.sizes().vec(), x.sizes().vec());
        // the two finest levels (8 x 8 and 4 x 4 latents here), down and up
        QCOMPARE(maps.size(), std::size_t(4));
        QCOMPARE(maps[0].sizes().vec(), (std::vector<int64_t>{2, 64, c.tokenCount()}));
        QCOMPARE(maps[1].sizes().vec(), (std::vector<int64_t>{2, 16, c.tokenCount()}));
        for (const at::Tensor& m : maps) QVERIFY(at::allclose(m.sum(-1), at::ones({2, m.size(1)}), 1e-4, 1e-5));

        // The target shape changes the prediction; a row whose mask is empty is a row without one.
        const at::Tensor none = unet->forward(x, t, knownConditions(2));
        QVERIFY((out - none).abs().max().item<double>() > 1e-6);
        QVERIFY(at::allclose(unet->forward(x, t, knownConditions(2), at::zeros({2, 1, 32, 32})), none, 1e-5, 1e-6));
        // different shapes, different tokens
        const at::Tensor a = unet->tokens(knownConditions(1), boxMask(1, 0, 16, 0, 32), 1);
        const at::Tensor b = unet->tokens(knownConditions(1), boxMask(1, 16, 32, 0, 32), 1);
        QVERIFY((a.select(1, c.maskTokenIndex()) - b.select(1, c.maskTokenIndex())).abs().max().item<double>() > 1e-4);
        QVERIFY(at::equal(a.narrow(1, 0, c.maskTokenIndex()), b.narrow(1, 0, c.maskTokenIndex())));
    }

    void theMaskEncoderIsTrainedWithTheUnet() {
        // The public MCGM code leaves its encoder out of the optimiser: here it gets gradients from
        // the diffusion loss and from the attention loss, and is among the U-Net's parameters.
        diffusion::McUnet unet(crossUnet());
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(1);
        const at::Tensor latents = at::randn({4, 4, 8, 8}, g);
        const at::Tensor keep = at::ones({4, 3}, at::kBool);
        for (double weight : {0.0, 0.1}) {
            unet->zero_grad();
            diffusion::ldmLoss(unet, latents, knownConditions(4), keep, diffusion::NoiseSchedule::linear(100), g,
                               boxMask(4, 4, 28, 10, 22), weight)
                .backward();
            bool found = false;
            for (const auto& p : unet->named_parameters()) {
                if (p.key().rfind("mask_encoder.", 0) != 0) continue;
                found = true;
                QVERIFY2(p.value().grad().defined() && p.value().grad().abs().sum().item<double>() > 0.0, p.key().c_str());
            }
            QVERIFY(found);
        }
    }

    void theAttentionLossPullsTheMaskTokensAttentionOntoTheMask() {
        diffusion::McUnet unet(crossUnet());
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(2);
        const at::Tensor masks = at::cat({boxMask(2, 0, 16, 0, 32), boxMask(2, 16, 32, 8, 24)}, 0);
        const at::Tensor x = at::randn({4, 4, 8, 8}, g);
        const at::Tensor t = at::full({4}, 30, at::kLong);
        const auto attentionLoss = [&] {
            std::vector<at::Tensor> maps;
            unet->forward(x, t, knownConditions(4), masks, &maps);
            return diffusion::maskAttentionLoss(diffusion::tokenAttentionMap(maps, unet->config().maskTokenIndex()), masks);
        };
        const double before = attentionLoss().item<double>();
        torch::optim::Adam optimizer(unet->parameters(), torch::optim::AdamOptions(3e-3));
        for (int step = 0; step < 60; ++step) {
            optimizer.zero_grad();
            attentionLoss().backward();
            optimizer.step();
        }
        const double after = attentionLoss().item<double>();
        QVERIFY2(after < 0.3 * before, (std::to_string(before) + " -> " + std::to_string(after)).c_str());
        // and the map it learnt looks like the mask: attention IoU (map > 0.5 vs mask cells)
        std::vector<at::Tensor> maps;
        unet->forward(x, t, knownConditions(4), masks, &maps);
        const at::Tensor map = diffusion::tokenAttentionMap(maps, unet->config().maskTokenIndex());
        const at::Tensor cells = diffusion::maskCoverage(masks, map.size(2));
        QVERIFY(diffusion::maskIoU(map, cells).min().item<double>() > 0.7);
        // no row with a mask: no loss
        QCOMPARE(diffusion::maskAttentionLoss(map, at::zeros_like(masks)).item<double>(), 0.0);
    }

    void guidanceLeavesTheShapeOutOfTheUnconditionalBranch() {
        diffusion::McLdm m = crossModel();
        torch::NoGradGuard noGrad;
        const at::Tensor x = at::randn({2, 4, 8, 8});
        const at::Tensor t = at::full({2}, 50, at::kLong);
        const at::Tensor mask = boxMask(1, 8, 24, 4, 28);
        const at::Tensor cond = m.unet->forward(x, t, knownConditions(2), mask.expand({2, -1, -1, -1}));
        const at::Tensor uncond = m.unet->forward(x, t, diffusion::allMaskedConditions(m, 2, at::kCPU));
        QVERIFY(at::allclose(diffusion::guidedNoiseModel(m, knownConditions(2), 1.0, mask)(x, t), cond, 1e-5, 1e-6));
        QVERIFY(at::allclose(diffusion::guidedNoiseModel(m, knownConditions(2), 3.0, mask)(x, t), uncond + 3.0 * (cond - uncond),
                             1e-4, 1e-5));
    }

    void crossAttentionModelsRoundTripAndOldFilesStayPlain() {
        diffusion::McLdm m = crossModel();
        QTemporaryDir dir;
        const std::string path = dir.filePath("cross.msi").toStdString();
        diffusion::ImageModelFile file;
        file.model = m;
        diffusion::saveImageModel(file, path);
        diffusion::ImageModelFile back = diffusion::loadImageModel(path);
        QVERIFY(back.model.unet->config().crossAttention);
        QCOMPARE(back.model.unet->config().maskGrid, int64_t(8));
        torch::NoGradGuard noGrad;
        const at::Tensor x = at::randn({1, 4, 8, 8});
        const at::Tensor t = at::full({1}, 10, at::kLong);
        const at::Tensor mask = boxMask(1, 2, 30, 10, 20);
        QVERIFY(at::equal(m.unet->forward(x, t, knownConditions(1), mask), back.model.unet->forward(x, t, knownConditions(1), mask)));
        // a file written before cross-attention has none of the new keys: the paper's mcLDM
        nlohmann::json old = diffusion::toJson(crossUnet());
        for (const char* key : {"cross_attention", "cross_attention_levels", "token_dim", "mask_grid"}) old.erase(key);
        diffusion::McUnetConfig plain;
        diffusion::readJson(old, plain);
        QVERIFY(!plain.crossAttention);
        int64_t crossParameters = 0;
        for (const auto& p : diffusion::McUnet(plain)->named_parameters())
            if (p.key().find("cross") != std::string::npos || p.key().find("mask_encoder") != std::string::npos) ++crossParameters;
        QCOMPARE(crossParameters, int64_t(0));
    }

    void aConceptSlotLeavesTheModelAsItWasUntilAsked() {
        diffusion::McUnet unet(crossUnet());
        unet->eval();
        diffusion::McUnet grown = diffusion::withConceptSlot(unet);
        grown->eval();
        QCOMPARE(grown->config().conceptTokens, int64_t(1));
        QCOMPARE(grown->config().tokenCount(), unet->config().tokenCount() + 1);
        torch::NoGradGuard noGrad;
        const at::Tensor x = at::randn({2, 4, 8, 8});
        const at::Tensor t = at::full({2}, 20, at::kLong);
        const at::Tensor mask = boxMask(2, 4, 28, 8, 24);
        const at::Tensor before = unet->forward(x, t, knownConditions(2), mask);
        QVERIFY(at::allclose(grown->forward(x, t, knownConditions(2), mask), before, 1e-5, 1e-6));
        QVERIFY(at::allclose(grown->forward(x, t, knownConditions(2), {mask, at::zeros({2, 1})}), before, 1e-5, 1e-6));
        const at::Tensor asked = grown->forward(x, t, knownConditions(2), {mask, at::ones({2, 1})});
        QVERIFY((asked - before).abs().max().item<double>() > 1e-6);
        // and a second slot keeps the first concept's embedding
        diffusion::McUnet twice = diffusion::withConceptSlot(grown);
        QVERIFY(at::equal(twice->conceptEmbeddings()[0], grown->conceptEmbeddings()[0]));
    }

    void aConceptIsLearntInTwoStages() {
        diffusion::McUnet plain(crossUnet());
        diffusion::McUnet unet = diffusion::withConceptSlot(plain);
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(4);
        diffusion::ConceptData data;
        data.latents = at::randn({1, 4, 8, 8}, g) * 0.5 + 1.0;
        data.masks = boxMask(1, 4, 28, 8, 24);
        data.conditions = ConditionInput{at::full({1, 2}, -1, at::kLong), at::zeros({1, 1}), at::zeros({1, 1})};
        data.priorLatents = at::randn({8, 4, 8, 8}, g);
        data.priorMasks = boxMask(8, 0, 16, 0, 32);
        data.priorConditions = knownConditions(8);
        const auto schedule = diffusion::NoiseSchedule::linear(100);
        const auto snapshot = [&] {
            std::map<std::string, at::Tensor> s;
            for (const auto& p : unet->named_parameters()) s[p.key()] = p.value().detach().clone();
            return s;
        };
        // Stage 1 moves the concept's embedding and nothing else, and lowers the concept's loss.
        const auto start = snapshot();
        diffusion::ConceptTuneSettings s;
        s.stage1Steps = 60;
        s.stage1Lr = 2e-2;
        s.stage2Steps = 0;
        s.batch = 4;
        s.maskDropout = 0.0;
        int calls = 0;
        const auto r1 = diffusion::tuneConcept(unet, 0, data, schedule, s, g, [&](int stage, int64_t, int64_t, double) {
            QCOMPARE(stage, 1);
            ++calls;
        }, CancelToken());
        QCOMPARE(calls, 60);
        for (const auto& p : unet->named_parameters()) {
            const bool same = at::equal(p.value(), start.at(p.key()));
            QVERIFY2(p.key() == "concept_tokens" ? !same : same, p.key().c_str());
        }
        const auto mean = [](const std::vector<double>& v, std::size_t from, std::size_t to) {
            double sum = 0;
            for (std::size_t i = from; i < to; ++i) sum += v[i];
            return sum / static_cast<double>(to - from);
        };
        QVERIFY2(mean(r1.stage1Loss, 50, 60) < mean(r1.stage1Loss, 0, 10),
                 (std::to_string(mean(r1.stage1Loss, 0, 10)) + " -> " + std::to_string(mean(r1.stage1Loss, 50, 60))).c_str());
        // Stage 2 trains the U-Net and the mask encoder too.
        const auto afterStage1 = snapshot();
        s.stage1Steps = 0;
        s.stage2Steps = 3;
        const auto r2 = diffusion::tuneConcept(unet, 0, data, schedule, s, g, {}, CancelToken());
        QCOMPARE(r2.stage2Loss.size(), std::size_t(3));
        for (const char* key : {"mask_encoder.projection.weight", "conv_in.weight"})
            QVERIFY2(!at::equal(unet->named_parameters()[key], afterStage1.at(key)), key);
        for (const auto& p : unet->parameters()) QVERIFY(p.requires_grad());
        // Cancelled: stops before the next step.
        CancelToken cancel;
        cancel.cancel();
        QVERIFY(diffusion::tuneConcept(unet, 0, data, schedule, s, g, {}, cancel).cancelled);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, diffusion::tuneConcept(unet, 1, data, schedule, s, g, {}, CancelToken()));
    }

    void silhouettesAreCoarseDilatedInk() {
        // a white 64 px image with a thin dark diagonal and a light grey patch (not ink)
        at::Tensor img = at::ones({1, 1, 64, 64});
        for (int64_t i = 10; i < 54; ++i) img[0][0][i][i] = -1.0;
        img.narrow(2, 0, 6).narrow(3, 40, 20).fill_(0.9);
        const at::Tensor s = diffusion::silhouetteMasks(img, 16);
        QCOMPARE(s.sizes().vec(), (std::vector<int64_t>{1, 1, 64, 64}));
        QVERIFY(at::all((s == 0) | (s == 1)).item<bool>());
        for (int64_t i = 10; i < 54; ++i) QCOMPARE(s[0][0][i][i].item<float>(), 1.0f);  // covers the ink
        QCOMPARE(s[0][0][2][50].item<float>(), 0.0f);                                    // not the pale patch
        QCOMPARE(s[0][0][54][8].item<float>(), 0.0f);                                    // nor far corners
        // blocky: constant on every 4 x 4 cell of the 16 x 16 grid
        QVERIFY(at::equal(s, at::upsample_nearest2d(at::max_pool2d(s, {4, 4}), {64, 64})));
        // an empty image has an empty silhouette; IoU of a mask with itself is 1, disjoint 0
        QCOMPARE(diffusion::silhouetteMasks(at::ones({1, 1, 64, 64}), 16).sum().item<double>(), 0.0);
        QCOMPARE(diffusion::maskIoU(s, s).item<double>(), 1.0);
        QCOMPARE(diffusion::maskIoU(boxMask(1, 0, 16, 0, 32), boxMask(1, 16, 32, 0, 32)).item<double>(), 0.0);
        QCOMPARE(diffusion::maskIoU(boxMask(1, 0, 16, 0, 32), boxMask(1, 0, 32, 0, 32)).item<double>(), 0.5);
    }

    void randomPlacementMovesAnImageAndItsShapeTogether() {
        // a box at rows 8..16, columns 4..12 of a 32 px mask; its "image": ink (-1) on white (1)
        const at::Tensor mask = boxMask(2, 4, 12, 8, 16);
        const at::Tensor image = 1.0 - 2.0 * mask;
        const at::Tensor shifts = at::tensor({int64_t(1), int64_t(-1), int64_t(0), int64_t(2)}).view({2, 2});
        const at::Tensor movedMask = diffusion::shiftByCells(mask, shifts, 4, false);
        const at::Tensor movedImage = diffusion::shiftByCells(image, shifts, 4, true);
        // row 0: 4 px down, 4 px left; row 1: 8 px right
        QVERIFY(at::equal(movedMask.narrow(0, 0, 1), boxMask(1, 0, 8, 12, 20)));
        QVERIFY(at::equal(movedMask.narrow(0, 1, 1), boxMask(1, 12, 20, 8, 16)));
        // the image moved with its shape; the border (white) fills the gap
        QVERIFY(at::equal(movedImage, 1.0 - 2.0 * movedMask));
        QVERIFY(at::equal(diffusion::shiftByCells(mask, at::zeros({2, 2}, at::kLong), 4, false), mask));
        // random shifts stay within the limit and use it
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(3);
        const at::Tensor r = diffusion::randomPlacementShifts(500, 2, g);
        QCOMPARE(r.abs().max().item<int64_t>(), int64_t(2));
        QVERIFY(r.eq(-2).any().item<bool>() && r.eq(0).any().item<bool>());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, diffusion::shiftByCells(mask, at::full({2, 2}, 8, at::kLong), 4, false));

        // training with placement shifts runs and learns (the loss falls)
        diffusion::McUnet unet(crossUnet());
        const at::Tensor latents = at::randn({16, 4, 8, 8});
        diffusion::LdmTrainSettings s;
        s.epochs = 6;
        s.batchSize = 8;
        s.lr = 1e-3;
        s.placementShift = 2;
        at::Generator tg = at::make_generator<at::CPUGeneratorImpl>(1);
        const std::vector<double> loss = diffusion::trainMcLdm(unet, latents, knownConditions(16), diffusion::NoiseSchedule::linear(100), s,
                                                               tg, {}, CancelToken(), 0, nullptr, boxMask(16, 4, 12, 8, 16));
        QCOMPARE(loss.size(), std::size_t(6));
        QVERIFY(std::isfinite(loss.back()));
        QVERIFY(loss.back() < loss.front());
    }

    void theRenderFrameTravelsFromTheSketchFolderToTheModel() {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        QVERIFY(!api::readRenderFrameBeside(folder).known());  // none written yet
        api::writeRenderFrame({-72.5, -472.25, 2038.9}, folder + "/" + api::kRenderFrameFile);
        for (const std::string& source : {folder, folder + "/images.mspack"}) {
            const api::ImageRenderFrame f = api::readRenderFrameBeside(source);
            QVERIFY(f.known());
            QCOMPARE(f.minX, -72.5);
            QCOMPARE(f.minY, -472.25);
            QCOMPARE(f.size, 2038.9);
        }
        QVERIFY(!api::renderFrameFromJson(nlohmann::json{{"min_x", 1.0}}).known());
        QVERIFY(!api::renderFrameFromJson(nlohmann::json{{"min_x", 1.0}, {"min_y", 1.0}, {"size", -3.0}}).known());
    }

    void aUsersMaskIsCheckedWithAClearReason() {
        api::ImagePixels good{1, 1, 8, std::vector<uint8_t>(64, 0)};
        for (int i = 16; i < 40; ++i) good.data[static_cast<std::size_t>(i)] = 255;
        QVERIFY(api::targetMaskProblem(good, 8).empty());
        good.data[0] = 128;  // one anti-aliased pixel is fine
        QVERIFY(api::targetMaskProblem(good, 8).empty());
        QVERIFY(QString::fromStdString(api::targetMaskProblem(good, 16)).contains("16 x 16"));
        api::ImagePixels grey{1, 1, 8, std::vector<uint8_t>(64, 128)};
        QVERIFY(QString::fromStdString(api::targetMaskProblem(grey, 8)).contains("grey"));
        api::ImagePixels empty{1, 1, 8, std::vector<uint8_t>(64, 0)};
        QVERIFY(QString::fromStdString(api::targetMaskProblem(empty, 8)).contains("empty"));
        api::ImagePixels full{1, 1, 8, std::vector<uint8_t>(64, 255)};
        QVERIFY(QString::fromStdString(api::targetMaskProblem(full, 8)).contains("whole image"));
        api::ImagePixels colour{1, 3, 8, std::vector<uint8_t>(192, 0)};
        QVERIFY(QString::fromStdString(api::targetMaskProblem(colour, 8)).contains("grey image"));
    }
};

QTEST_APPLESS_MAIN(TestMaskConditional)
#include "TestMaskConditional.moc"
