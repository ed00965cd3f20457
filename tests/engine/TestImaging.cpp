// Image data: the sketch renderer shows rim styles and bottles; the image folder reader reports
// every kind of bad input by file (skip with counts, or stop); and the `image` CLI runs the whole
// path (render -> train -> sample -> eval) on a tiny set.
#include <QtTest/QtTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <fstream>

#include "core/data/DataError.h"
#include "core/geometry/DesignDrawing.h"
#include "core/geometry/DesignKeypoints.h"
#include "core/synth/BikeSynth.h"
#include "imaging/DesignImage.h"
#include "imaging/DesignImageSet.h"
#include "imaging/ImageFolderReader.h"

using namespace ms;

namespace {

// Mean intensity of a disc around a wheel centre (inside the rim).
double wheelInk(const cv::Mat& img, const imaging::ImageFrame& f, Point2 centre, double radiusMm) {
    const double scale = img.cols / f.size;
    const cv::Point c(static_cast<int>((centre.x - f.minX) * scale), static_cast<int>((f.minY + f.size - centre.y) * scale));
    cv::Mat mask = cv::Mat::zeros(img.size(), CV_8UC1);
    cv::circle(mask, c, static_cast<int>(radiusMm * scale), cv::Scalar(255), cv::FILLED);
    return 255.0 - cv::mean(img, mask)[0];
}

int runCli(const QStringList& args, QString* output = nullptr) {
    QProcess p;
    p.start(MASKSTUDIO_CLI_PATH, args);
    p.waitForFinished(600000);
    if (output) *output = p.readAllStandardOutput() + p.readAllStandardError();
    return p.exitCode();
}

// The JSON summary line of a command's output (stdout and stderr together).
QJsonObject lastJson(const QString& out) {
    const QStringList lines = out.split('\n');
    for (auto it = lines.rbegin(); it != lines.rend(); ++it)
        if (it->startsWith('{')) return QJsonDocument::fromJson(it->toUtf8()).object();
    return {};
}

}  // namespace

class TestImaging : public QObject {
    Q_OBJECT
    Schema m_schema;
    DesignTable m_table;

private Q_SLOTS:
    void initTestCase() {
        const SynthResult d = synthBikes(40, 5);
        m_schema = d.schema;
        m_table = d.table;
    }

    void rimStylesAndBottlesAreVisible() {
        const std::vector<double> v(m_table.outputs.begin(), m_table.outputs.begin() + static_cast<std::ptrdiff_t>(m_table.outputDim));
        const Drawing spoked = drawDesign(m_schema, v, false, DesignDetails{});
        DesignDetails discs;
        discs.rimFront = discs.rimRear = RimStyle::Disc;
        DesignDetails tri;
        tri.rimFront = RimStyle::Trispoke;
        DesignDetails bottles;
        bottles.bottleSeatTube = bottles.bottleDownTube = true;
        const imaging::ImageFrame frame = imaging::imageFrameFor({spoked});
        for (int size : {64, 128}) {
            const cv::Mat a = imaging::renderDesignImage(spoked, frame, size);
            QCOMPARE(a.rows, size);
            QCOMPARE(a.type(), CV_8UC1);
            const Point2 front{v[4], v[5]};  // front_wheel_center
            const cv::Mat d = imaging::renderDesignImage(drawDesign(m_schema, v, false, discs), frame, size);
            const cv::Mat t = imaging::renderDesignImage(drawDesign(m_schema, v, false, tri), frame, size);
            const double inkSpoked = wheelInk(a, frame, front, 250), inkDisc = wheelInk(d, frame, front, 250),
                         inkTri = wheelInk(t, frame, front, 250);
            QVERIFY2(inkDisc > inkSpoked + 20 && inkDisc > inkTri + 20, qPrintable(QString("%1 %2 %3").arg(inkSpoked).arg(inkTri).arg(inkDisc)));
            QVERIFY(std::abs(inkTri - inkSpoked) > 3);  // three blades are not eighteen spokes
            const cv::Mat b = imaging::renderDesignImage(drawDesign(m_schema, v, false, bottles), frame, size);
            QVERIFY(cv::norm(a, b, cv::NORM_L1) > 255.0 * size / 16);
        }
        // Conditions by column name drive the details.
        const DesignDetails parsed = designDetailsFrom({{"RIM_STYLE front", "disc"}, {"RIM_STYLE rear", "trispoke"},
                                                        {"bottle DOWNTUBE0 show OHCLASS: True", "1"}});
        QVERIFY(parsed.rimFront == RimStyle::Disc && parsed.rimRear == RimStyle::Trispoke && parsed.bottleDownTube && !parsed.bottleSeatTube);
    }

    void renderedSetHasOneRowPerImage() {
        const imaging::RenderedImageSet r = imaging::renderDesignImageSet(m_schema, m_table, 32, 10);
        QCOMPARE(r.images.count(), int64_t(10));
        QCOMPARE(r.images.pixels.size(), std::size_t(10 * 32 * 32));
        QCOMPARE(r.images.conditions.rows.size(), std::size_t(10));
        QCOMPARE(r.images.conditions.header.front(), std::string("file"));
        QCOMPARE(r.images.conditions.header.size(), 1 + m_schema.conditionCount());
    }

    void folderReaderReportsEveryProblem() {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        const imaging::RenderedImageSet r = imaging::renderDesignImageSet(m_schema, m_table, 32, 6);
        imaging::writeImageFolder(r.images, folder);
        // design_00001: truncated; design_00002: another size; design_00003: colour; extra.png: no row;
        // a row naming a file that does not exist.
        const std::string f1 = folder + "/design_00001.png";
        std::ifstream in(f1, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), {});
        in.close();
        std::ofstream(f1, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
        cv::imwrite(folder + "/design_00002.png", cv::Mat(40, 40, CV_8UC1, cv::Scalar(200)));
        cv::imwrite(folder + "/design_00003.png", cv::Mat(32, 32, CV_8UC3, cv::Scalar(10, 20, 30)));
        cv::imwrite(folder + "/extra.png", cv::Mat(32, 32, CV_8UC1, cv::Scalar(0)));
        {
            std::ofstream csv(folder + "/conditions.csv", std::ios::app);
            csv << "missing.png";
            for (std::size_t i = 0; i < m_schema.conditionCount(); ++i) csv << ",";
            csv << "\n";
        }
        const std::string csv = folder + "/conditions.csv";
        imaging::ImageFolderOptions o;
        const imaging::ImageFolderData d = imaging::readImageFolder(folder, csv, o);
        QCOMPARE(d.report.loaded, std::size_t(4));  // 0, 3 (converted), 4, 5
        QCOMPARE(d.report.unreadable, std::size_t(1));
        QCOMPARE(d.report.wrongSize, std::size_t(1));
        QCOMPARE(d.report.convertedChannels, std::size_t(1));
        QCOMPARE(d.report.imagesWithoutRow, std::size_t(1));
        QCOMPARE(d.report.missingImages, std::size_t(1));
        QCOMPARE(d.images.count(), int64_t(4));
        QCOMPARE(d.images.conditions.rows.size(), std::size_t(4));
        const std::string all = [&] { std::string s; for (const auto& m : d.report.messages) s += m + "\n"; return s; }();
        QVERIFY(all.find("design_00001.png") != std::string::npos && all.find("truncated") != std::string::npos);
        QVERIFY(all.find("design_00002.png") != std::string::npos && all.find("40x40") != std::string::npos);
        QVERIFY(all.find("extra.png") != std::string::npos);
        QVERIFY(all.find("missing.png") != std::string::npos && all.find("conditions.csv:8") != std::string::npos);

        o.resizeMismatched = true;
        QCOMPARE(imaging::readImageFolder(folder, csv, o).report.resized, std::size_t(1));

        o.policy = imaging::ImageProblemPolicy::Stop;
        try {
            imaging::readImageFolder(folder, csv, o);
            QFAIL("stop policy must stop at the first problem");
        } catch (const DataError& e) {
            QVERIFY2(QString(e.what()).contains("design_00001.png"), e.what());
        }
        o.imageColumn = "no such column";
        QVERIFY_THROWS_EXCEPTION(DataError, imaging::readImageFolder(folder, csv, o));
    }

    void cliRendersTrainsSamplesAndEvaluates() {
        QTemporaryDir dir;
        const QString images = dir.filePath("bikes");
        const QString model = dir.filePath("tiny.msi");
        QString out;
        QCOMPARE(runCli({"image", "render", "--data", qEnvironmentVariable("MASKSTUDIO_MODELS_DIR") + "/bike.csv", "--preset", "bike",
                         "--size", "32", "--limit", "48", "--out", images}, &out), 0);
        QVERIFY(QFile::exists(images + "/images.mspack") && QFile::exists(images + "/conditions.csv"));
        QCOMPARE(runCli({"image", "train", "--images", images, "--preset", "bike", "--ae-epochs", "1", "--epochs", "2",
                         "--base", "16", "--mult", "1,2", "--batch", "16", "--threads", "1", "--out", model, "--json"}, &out), 0);
        QVERIFY2(QFile::exists(model), qPrintable(out));
        QCOMPARE(runCli({"image", "sample", "--model", model, "RIM_STYLE front=trispoke", "--n", "2", "--steps", "3",
                         "--out", dir.filePath("s")}, &out), 0);
        QVERIFY(QFile::exists(dir.filePath("s-0.png")) && QFile::exists(dir.filePath("s-1.png")));
        // Inpaint a band of the first sample: every pixel outside the mask stays as it was; a mask
        // of another size is scaled (and said so); a missing image is named.
        cv::Mat mask = cv::Mat::zeros(64, 64, CV_8UC1);
        mask.rowRange(20, 40).setTo(255);
        QVERIFY(cv::imwrite(dir.filePath("mask.png").toStdString(), mask));
        QCOMPARE(runCli({"image", "inpaint", "--model", model, "--image", dir.filePath("s-0.png"), "--mask", dir.filePath("mask.png"),
                         "--steps", "10", "--jump", "3", "--resamples", "2", "--out", dir.filePath("inp")}, &out), 0);
        QVERIFY2(out.contains("scaled to 32x32"), qPrintable(out));
        const cv::Mat before = cv::imread(dir.filePath("s-0.png").toStdString(), cv::IMREAD_GRAYSCALE);
        const cv::Mat after = cv::imread(dir.filePath("inp.png").toStdString(), cv::IMREAD_GRAYSCALE);
        QCOMPARE(after.rows, 32);
        QCOMPARE(cv::norm(before.rowRange(0, 10), after.rowRange(0, 10), cv::NORM_INF), 0.0);
        QCOMPARE(cv::norm(before.rowRange(20, 32), after.rowRange(20, 32), cv::NORM_INF), 0.0);
        QVERIFY(runCli({"image", "inpaint", "--model", model, "--image", dir.filePath("nope.png"), "--mask", dir.filePath("mask.png"),
                        "--out", dir.filePath("x")}, &out) != 0);
        QVERIFY2(out.contains("nope.png"), qPrintable(out));
        QCOMPARE(runCli({"image", "eval", "--model", model, "--images", images + "/images.mspack", "--rows", "4",
                         "--sparsities", "0,0.5", "--steps", "2", "--classifier-epochs", "1", "--json"}, &out), 0);
        const QJsonObject j = lastJson(out);
        QCOMPARE(j["rows"].toArray().size(), 2);
        QVERIFY(j["rows"].toArray()[0].toObject()["ssim"].toDouble() > -1.0);
        // Resume to 4 epochs in total, then fine-tune on the same images; asking for no more
        // epochs than done is refused with a message.
        const QString resumed = dir.filePath("resumed.msi");
        QCOMPARE(runCli({"image", "train", "--images", images, "--resume", model, "--epochs", "4", "--threads", "1",
                         "--out", resumed, "--json"}, &out), 0);
        QCOMPARE(lastJson(out)["completed_epochs"].toInt(), 4);
        QVERIFY(runCli({"image", "train", "--images", images, "--resume", resumed, "--epochs", "4", "--out", resumed}, &out) != 0);
        QVERIFY2(out.contains("nothing left to train"), qPrintable(out));
        QCOMPARE(runCli({"image", "train", "--images", images, "--fine-tune-from", resumed, "--epochs", "1", "--threads", "1",
                         "--out", dir.filePath("tuned.msi"), "--json"}, &out), 0);
        QVERIFY(lastJson(out)["autoencoder_loss"].toArray().isEmpty());  // the first stage is kept
        QCOMPARE(runCli({"image", "train", "--images", images, "--fine-tune-from", resumed, "--fine-tune-first-stage",
                         "--ae-epochs", "2", "--epochs", "1", "--threads", "1", "--out", dir.filePath("tuned2.msi"), "--json"}, &out), 0);
        QCOMPARE(lastJson(out)["autoencoder_loss"].toArray().size(), 2);
        // A condition the model does not know is refused by name.
        QVERIFY(runCli({"image", "sample", "--model", model, "Colour=red", "--out", dir.filePath("x")}, &out) != 0);
        QVERIFY2(out.contains("Colour"), qPrintable(out));
    }

    void cliTrainsWithCrossAttentionAndFollowsATargetMask() {
        QTemporaryDir dir;
        const QString images = dir.filePath("bikes");
        const QString model = dir.filePath("cross.msi");
        QString out;
        QCOMPARE(runCli({"image", "render", "--data", qEnvironmentVariable("MASKSTUDIO_MODELS_DIR") + "/bike.csv", "--preset", "bike",
                         "--size", "32", "--limit", "32", "--out", images}, &out), 0);
        QVERIFY(QFile::exists(images + "/frame.json"));  // the sketches' world window, for the model
        QCOMPARE(runCli({"image", "train", "--images", images, "--preset", "bike", "--ae-epochs", "1", "--epochs", "1",
                         "--base", "16", "--mult", "1,2", "--batch", "16", "--threads", "1", "--cross-attention",
                         "--mask-attention-weight", "0.1", "--out", model}, &out), 0);
        // a long low shape in the lower half
        cv::Mat shape = cv::Mat::zeros(32, 32, CV_8UC1);
        shape(cv::Rect(2, 16, 28, 12)).setTo(255);
        QVERIFY(cv::imwrite(dir.filePath("shape.png").toStdString(), shape));
        QCOMPARE(runCli({"image", "sample", "--model", model, "--target-mask", dir.filePath("shape.png"), "--n", "2", "--steps", "3",
                         "--out", dir.filePath("t")}, &out), 0);
        QVERIFY(QFile::exists(dir.filePath("t-1.png")));
        // A concept from one picture and its mask, two short stages with prior preservation; then
        // generated by name, in a new shape. Unknown concepts and names taken by conditions are refused.
        const QString withConcept = dir.filePath("concept.msi");
        QCOMPARE(runCli({"image", "concept", "--model", model, "--image", dir.filePath("t-0.png"), "--mask", dir.filePath("shape.png"),
                         "--name", "my-bike", "--stage1-steps", "3", "--stage2-steps", "2", "--images", images, "--threads", "1",
                         "--out", withConcept, "--json"}, &out), 0);
        QCOMPARE(lastJson(out)["stage1_loss"].toArray().size(), 3);
        QCOMPARE(lastJson(out)["stage2_loss"].toArray().size(), 2);
        QCOMPARE(runCli({"image", "sample", "--model", withConcept, "--concept", "my-bike", "--target-mask", dir.filePath("shape.png"),
                         "--steps", "3", "--out", dir.filePath("c")}, &out), 0);
        QVERIFY(runCli({"image", "sample", "--model", withConcept, "--concept", "other", "--out", dir.filePath("x")}, &out) != 0);
        QVERIFY2(out.contains("no concept named 'other'") && out.contains("my-bike"), qPrintable(out));
        QVERIFY(runCli({"image", "concept", "--model", model, "--image", dir.filePath("t-0.png"), "--mask", dir.filePath("shape.png"),
                        "--name", "BikeStyle", "--out", dir.filePath("x.msi")}, &out) != 0);
        QVERIFY2(out.contains("is a condition"), qPrintable(out));
        // The mask-following table: five kinds of shape per held-out design, then all of them.
        QCOMPARE(runCli({"image", "eval", "--mask-following", "--model", model, "--images", images, "--rows", "3", "--steps", "2",
                         "--json"}, &out), 0);
        const QJsonArray rows = lastJson(out)["rows"].toArray();
        QCOMPARE(rows.size(), 6);
        QCOMPARE(rows[5].toObject()["variant"].toString(), QString("all"));
        QCOMPARE(rows[5].toObject()["shapes"].toInt(), 5 * rows[0].toObject()["shapes"].toInt());
        for (const auto& r : rows)
            for (const char* key : {"iou_with", "iou_without", "attention_iou"}) {
                const double v = r.toObject()[key].toDouble(-1.0);
                QVERIFY2(v >= 0.0 && v <= 1.0, key);
            }
        // Does the concept come back in other designs' shapes: the classifier's verdict per condition.
        QCOMPARE(runCli({"image", "eval", "--model", withConcept, "--images", images, "--concept", "my-bike", "--concept-image",
                         "design_00001.png", "--rows", "2", "--steps", "2", "--classifier-epochs", "1", "--json"}, &out), 0);
        const QJsonObject concept = lastJson(out);
        QCOMPARE(concept["count"].toInt(), 2);
        QCOMPARE(concept["conditions"].toArray().size(), concept["with"].toArray().size());
        QVERIFY(concept["conditions"].toArray().contains(QJsonValue("BikeStyle")));
        for (const auto& v : concept["with"].toArray()) QVERIFY(v.toDouble(-1) >= 0.0 && v.toDouble(-1) <= 1.0);
        QVERIFY(runCli({"image", "eval", "--model", withConcept, "--images", images, "--concept", "my-bike", "--concept-image",
                        "nope.png"}, &out) != 0);
        QVERIFY2(out.contains("nope.png"), qPrintable(out));
        // A new U-Net on this model's autoencoder, with random placement: no autoencoder epoch runs.
        QCOMPARE(runCli({"image", "train", "--images", images, "--preset", "bike", "--first-stage-from", model, "--epochs", "1",
                         "--base", "16", "--mult", "1,2", "--batch", "16", "--threads", "1", "--cross-attention", "--placement-shift", "1",
                         "--out", dir.filePath("borrowed.msi"), "--json"}, &out), 0);
        QCOMPARE(lastJson(out)["autoencoder_loss"].toArray().size(), 0);
        QCOMPARE(lastJson(out)["completed_epochs"].toInt(), 1);
        QCOMPARE(runCli({"image", "eval", "--mask-following", "--placement-shift", "1", "--model", dir.filePath("borrowed.msi"),
                         "--images", images, "--rows", "2", "--steps", "2"}, &out), 0);
        // Bad masks are refused, naming the file and what is wrong.
        const auto refused = [&](const cv::Mat& mask, const char* name, const char* reason) {
            QVERIFY(cv::imwrite(dir.filePath(name).toStdString(), mask));
            QVERIFY(runCli({"image", "sample", "--model", model, "--target-mask", dir.filePath(name), "--out", dir.filePath("x")}, &out) != 0);
            QVERIFY2(out.contains(name) && out.contains(reason), qPrintable(out));
        };
        refused(cv::Mat::zeros(48, 48, CV_8UC1), "big.png", "32 x 32");
        refused(cv::Mat::zeros(32, 32, CV_8UC1), "empty.png", "empty");
        refused(cv::Mat(32, 32, CV_8UC1, cv::Scalar(128)), "grey.png", "grey");
        // A model without cross-attention says it cannot follow a shape.
        const QString plain = dir.filePath("plain.msi");
        QCOMPARE(runCli({"image", "train", "--images", images, "--preset", "bike", "--ae-epochs", "1", "--epochs", "1", "--base", "16",
                         "--mult", "1,2", "--batch", "16", "--threads", "1", "--out", plain}, &out), 0);
        QVERIFY(runCli({"image", "sample", "--model", plain, "--target-mask", dir.filePath("shape.png"), "--out", dir.filePath("x")}, &out) != 0);
        QVERIFY2(out.contains("--cross-attention"), qPrintable(out));
        QVERIFY(runCli({"image", "eval", "--mask-following", "--model", plain, "--images", images, "--rows", "2"}, &out) != 0);
        QVERIFY2(out.contains("without cross-attention"), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestImaging)
#include "TestImaging.moc"
