// Images with gaps as a user brings them (imaging/ObservationMasks + api/PartialImages): a folder
// of PNGs with conditions.csv and NAME.mask.png masks beside some images. Problem masks (another
// size, grey, hiding everything, a mask without its image) are named and skipped with counts, or
// stopped on; masks are not mistaken for images without a CSV row. A model trained on the kept
// images completes their hidden pixels with every observed pixel exact, and refuses images of
// another size and CSV tables by name. A prior learnt over the folder's own masks (Work II) can
// give the contexts instead of a hand rule; its draws travel in the model file.
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include "api/PartialImages.h"
#include "api/PartialTable.h"
#include "core/data/DataError.h"
#include "core/io/BundleError.h"
#include "imaging/ImageFolderReader.h"
#include "imaging/ObservationMasks.h"
#include "partial/PartialModelFile.h"

#include <ATen/ATen.h>

using namespace ms;

namespace {

constexpr int kSide = 8, kImages = 24;

void writeGrey(const std::string& path, int side, const std::function<uint8_t(int, int)>& value) {
    std::vector<uint8_t> px(static_cast<std::size_t>(side * side));
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) px[static_cast<std::size_t>(y * side + x)] = value(y, x);
    imaging::writePngImage(path, px.data(), 1, side, side);
}

}  // namespace

class TestPartialImageFolder : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string m_folder, m_model;

    imaging::ObservedImages read(imaging::ImageProblemPolicy policy) {
        imaging::ImageFolderData data = imaging::readImageFolder(m_folder, m_folder + "/conditions.csv");
        return imaging::readObservationMasks(m_folder, std::move(data.images), policy);
    }

private Q_SLOTS:
    void initTestCase() {
        m_folder = m_dir.path().toStdString();
        m_model = m_dir.filePath("images.mpd").toStdString();
        std::ofstream csv(m_folder + "/conditions.csv");
        csv << "file,kind\n";
        for (int i = 0; i < kImages; ++i) {
            const std::string name = "img" + std::to_string(i) + ".png";
            csv << name << "," << (i % 2 ? "wide" : "narrow") << "\n";
            // A horizontal ramp whose steepness follows the kind: easy to complete from a part.
            writeGrey(m_folder + "/" + name, kSide, [&](int, int x) { return static_cast<uint8_t>(20 + x * (i % 2 ? 28 : 12)); });
            if (i % 3 == 0)  // the left half hidden
                writeGrey(m_folder + "/img" + std::to_string(i) + ".mask.png", kSide, [](int, int x) { return x < kSide / 2 ? 0 : 255; });
        }
        writeGrey(m_folder + "/img1.mask.png", 6, [](int, int) { return 255; });                          // another size
        writeGrey(m_folder + "/img2.mask.png", kSide, [](int y, int x) { return static_cast<uint8_t>(60 + 10 * (x + y)); });  // grey
        writeGrey(m_folder + "/img4.mask.png", kSide, [](int, int) { return 0; });                         // hides everything
        writeGrey(m_folder + "/stray.mask.png", kSide, [](int, int) { return 255; });                      // no image
    }

    void masksAreCheckedAndProblemsNamed() {
        const imaging::ImageFolderData folder = imaging::readImageFolder(m_folder, m_folder + "/conditions.csv");
        QCOMPARE(folder.report.imagesWithoutRow, std::size_t(0));  // masks are not images without a row
        const imaging::ObservedImages data = read(imaging::ImageProblemPolicy::Skip);
        const imaging::ObservationMaskReport& r = data.report;
        QCOMPARE(r.withMask, std::size_t(kImages / 3));
        QCOMPARE(r.withGaps, std::size_t(kImages / 3));  // each hides its left half
        QCOMPARE(r.wrongSize, std::size_t(1));
        QCOMPARE(r.notBinary, std::size_t(1));
        QCOMPARE(r.hidesEverything, std::size_t(1));
        QCOMPARE(r.masksWithoutImage, std::size_t(1));
        QCOMPARE(data.images.count(), int64_t(kImages - 3));
        QCOMPARE(data.observed.size(), std::size_t((kImages - 3) * kSide * kSide));
        const std::string all = [&] {
            std::string s;
            for (const std::string& m : r.messages) s += m + "\n";
            return s;
        }();
        QVERIFY2(all.find("img1.mask.png: mask is 6x6, its image 8x8") != std::string::npos, all.c_str());
        QVERIFY2(all.find("img2.mask.png") != std::string::npos && all.find("grey") != std::string::npos, all.c_str());
        QVERIFY2(all.find("img4.mask.png: the mask hides the whole image") != std::string::npos, all.c_str());
        QVERIFY2(all.find("stray.mask.png: mask without its image") != std::string::npos, all.c_str());
        try {
            read(imaging::ImageProblemPolicy::Stop);
            QFAIL("a mask of another size was accepted under Stop");
        } catch (const DataError& e) {
            QVERIFY2(std::string(e.what()).find("img1.mask.png") != std::string::npos, e.what());
        }
    }

    // A damaged or foreign mask file is a named problem, never an exception from the decoder
    // (fuzzing, FuzzImageFolder: a mask whose header declares an image 2^21 pixels wide made
    // OpenCV's imread throw its own assertion, which no reader caught). When no image is left, the
    // error says which file was the first problem and why.
    void aDamagedMaskIsNamedAndNoImageLeftSaysWhy() {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        std::ofstream(folder + "/conditions.csv") << "file\na.png\n";
        writeGrey(folder + "/a.png", kSide, [](int, int x) { return static_cast<uint8_t>(x * 30); });
        // a BMP header declaring 2097152 x 8 pixels, ending as a PNG must (IEND) to reach the decoder
        std::string bmp = std::string("BM") + std::string(8, '\0') + std::string("\x36\0\0\0\x28\0\0\0", 8) +
                          std::string("\0\0\x20\0\x08\0\0\0\x01\0\x18\0", 12) + std::string(24, '\0');
        bmp += std::string(64, '\x7f') + std::string("\0\0\0\0IEND\xae\x42\x60\x82", 12);
        std::ofstream(folder + "/a.mask.png", std::ios::binary) << bmp;
        imaging::ImageFolderData images = imaging::readImageFolder(folder, folder + "/conditions.csv");
        try {
            imaging::readObservationMasks(folder, std::move(images.images), imaging::ImageProblemPolicy::Skip);
            QFAIL("an image with a damaged mask was kept");
        } catch (const DataError& e) {
            const std::string what = e.what();
            qInfo("%s", what.c_str());
            QVERIFY2(what.find("no image left") != std::string::npos && what.find("the first: " + folder + "/a.mask.png: ") != std::string::npos,
                     what.c_str());
        }
        // the images themselves: the first problem named in the error too
        std::ofstream(folder + "/a.png", std::ios::binary | std::ios::trunc) << bmp;
        try {
            imaging::readImageFolder(folder, folder + "/conditions.csv");
            QFAIL("a damaged image was loaded");
        } catch (const DataError& e) {
            const std::string what = e.what();
            QVERIFY2(what.find("no image could be loaded") != std::string::npos && what.find("the first: " + folder + "/a.png: ") != std::string::npos,
                     what.c_str());
        }
    }

    void trainsOnTheMaskedImagesAndCompletesThem() {
        const imaging::ObservedImages data = read(imaging::ImageProblemPolicy::Skip);
        api::PartialImageTrainRequest r;
        r.outPath = m_model;
        r.updates = 40;
        r.batchSize = 8;
        r.baseChannels = 8;
        api::ImageGapPreview preview;
        int calls = 0;
        r.onPartition = [&](const api::ImageGapPreview& p) { preview = p, ++calls; };
        const api::PartialImageTrainResult res = api::trainPartialOnImages(data.images, data.observed, r, {}, CancelToken());
        // the preview: the data's masks with gaps (the left half hidden) and the contexts the block
        // rule cuts out of them (subsets of what is observed, each losing more)
        QCOMPARE(calls, 1);
        QCOMPARE(preview.context, res.context);
        QCOMPARE(preview.size, int64_t(kSide));
        QVERIFY(!preview.drawnFromPrior);
        QCOMPARE(preview.count(), std::min<int64_t>(r.previewMasks, kImages / 3));
        QCOMPARE(preview.drawnMasks.size(), preview.dataMasks.size());
        QCOMPARE(preview.updates, int64_t(40));
        QCOMPARE(preview.epochs, int64_t(14));  // 40 updates of 8 over 21 images: 3 per epoch, the last epoch in part
        int64_t seen = 0, kept = 0;
        for (std::size_t i = 0; i < preview.dataMasks.size(); ++i) {
            QCOMPARE(int(preview.dataMasks[i]), (static_cast<int64_t>(i) % kSide) < kSide / 2 ? 0 : 1);
            QVERIFY(preview.drawnMasks[i] <= preview.dataMasks[i]);
            seen += preview.dataMasks[i];
            kept += preview.drawnMasks[i];
        }
        QVERIFY(kept < seen);
        QCOMPARE(res.images, int64_t(kImages - 3));
        QCOMPARE(res.imagesWithGaps, int64_t(kImages / 3));
        QVERIFY(std::isfinite(res.finalLoss));
        QVERIFY2(res.context.find("blocks of") != std::string::npos, res.context.c_str());  // half-image masks are blocks
        QVERIFY(QFile::exists(QString::fromStdString(m_model)));

        const std::vector<uint8_t> filled = api::completeImagesWithPartial(m_model, data.images, data.observed, {4, 0, 0});
        QCOMPARE(filled.size(), data.images.pixels.size());
        std::size_t changed = 0;
        for (std::size_t i = 0; i < filled.size(); ++i) {
            if (data.observed[i]) QCOMPARE(filled[i], data.images.pixels[i]);  // one channel: pixel i is mask entry i
            else changed += filled[i] != data.images.pixels[i];
        }
        QVERIFY(changed > 0);

        // A model of 8 x 8 grey images refuses other sizes, and a CSV model refuses images.
        ImageSet bigger = data.images;
        bigger.size = 16;
        bigger.pixels.assign(static_cast<std::size_t>(bigger.count() * 16 * 16), 0);
        std::vector<uint8_t> allSeen(bigger.pixels.size(), 1);
        try {
            api::completeImagesWithPartial(m_model, bigger, allSeen, {});
            QFAIL("a model of 8 x 8 images completed 16 x 16 ones");
        } catch (const BundleError& e) {
            QVERIFY2(std::string(e.what()).find("8 x 8") != std::string::npos, e.what());
        }
        api::PartialImputeRequest csv;
        csv.modelPath = m_model;
        csv.dataPath = m_folder + "/conditions.csv";
        csv.outPath = m_dir.filePath("never.csv").toStdString();
        QVERIFY_THROWS_EXCEPTION(BundleError, api::imputeCsvWithPartial(csv));
    }

    // Work II: contexts from a prior learnt over the folder's own masks; its draws travel in the model.
    void aLearntMaskPriorGivesTheContexts() {
        const imaging::ObservedImages data = read(imaging::ImageProblemPolicy::Skip);
        api::PartialImageTrainRequest r;
        r.outPath = m_dir.filePath("prior.mpd").toStdString();
        r.context = "prior";
        r.updates = 20;
        r.priorUpdates = 20;
        r.priorPool = 64;
        r.batchSize = 8;
        r.baseChannels = 8;
        r.previewMasks = 3;
        api::ImageGapPreview preview;
        r.onPartition = [&](const api::ImageGapPreview& p) { preview = p; };
        std::vector<std::pair<int64_t, int64_t>> priorEpochs;  // the prior's progress, before the preview
        r.onPriorEpoch = [&](int64_t epoch, int64_t epochs, double loss) {
            QVERIFY(std::isfinite(loss));
            QCOMPARE(preview.size, int64_t(0));
            priorEpochs.emplace_back(epoch, epochs);
        };
        const api::PartialImageTrainResult res = api::trainPartialOnImages(data.images, data.observed, r, {}, CancelToken());
        QVERIFY2(res.context.find("prior learnt over the masks") != std::string::npos, res.context.c_str());
        QVERIFY(preview.drawnFromPrior);  // the prior's draws beside 3 of the data's masks
        // 20 prior updates; the prior's batch is min(32, images), so one update per epoch over 21 masks
        QCOMPARE(priorEpochs.size(), std::size_t(20));
        for (std::size_t i = 0; i < priorEpochs.size(); ++i) QCOMPARE(priorEpochs[i], (std::pair<int64_t, int64_t>(int64_t(i + 1), 20)));
        QCOMPARE(preview.count(), int64_t(3));
        QCOMPARE(preview.drawnMasks.size(), std::size_t(3 * kSide * kSide));
        const partial::PartialModelFile back = partial::loadPartialModel(r.outPath, "images");
        QCOMPARE(back.parts.context.priorPool.sizes(), (at::IntArrayRef{64, kSide * kSide}));
        QVERIFY(at::logical_or(back.parts.context.priorPool == 0, back.parts.context.priorPool == 1).all().item<bool>());
        const std::vector<uint8_t> filled = api::completeImagesWithPartial(r.outPath, data.images, data.observed, {4, 0, 0});
        for (std::size_t i = 0; i < filled.size(); ++i)
            if (data.observed[i]) QCOMPARE(filled[i], data.images.pixels[i]);  // observed pixels exact
        r.context = "stripes";
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, api::trainPartialOnImages(data.images, data.observed, r, {}, CancelToken()));
    }

    // The command line: `partial train --images` and `partial impute --images` on the same folder.
    void commandLineTrainsAndWritesCompletedPngs() {
        const auto cli = [](const QStringList& args, QString* output) {
            QProcess p;
            p.start(MASKSTUDIO_CLI_PATH, args);
            p.waitForFinished(300000);
            *output = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
            return p.exitCode();
        };
        const QString folder = QString::fromStdString(m_folder), model = m_dir.filePath("cli.mpd"), out = m_dir.filePath("filled");
        QString text;
        QCOMPARE(cli({"partial", "train", "--images", folder, "--out", model, "--updates", "8", "--batch", "8", "--unet-channels", "8", "--json"},
                     &text),
                 0);
        QVERIFY2(text.contains("\"images\":21") && text.contains("img4.mask.png: the mask hides the whole image"), qPrintable(text));
        QCOMPARE(cli({"partial", "impute", "--images", folder, "--model", model, "--out", out, "--members", "2"}, &text), 0);
        QVERIFY2(text.contains("wrote 21 images") && text.contains("256 hidden pixels filled"), qPrintable(text));  // 8 masks x 32
        QCOMPARE(QDir(out).entryList({"*.png"}, QDir::Files).size(), 21);
        QVERIFY(cli({"partial", "train", "--images", folder, "--data", folder + "/conditions.csv", "--out", model}, &text) != 0);
        QVERIFY2(text.contains("--data / --images"), qPrintable(text));
    }
};

QTEST_GUILESS_MAIN(TestPartialImageFolder)
#include "TestPartialImageFolder.moc"
