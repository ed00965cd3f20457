// Data-parallel training through the command line (issue 19): `launch --nproc 2` runs each
// trainer on two local processes (rank 0 writes the model; Ctrl+C reaches both, which stop at the
// same step, and one process resumes the checkpoint; a checkpoint of one process resumes on two
// ranks), a rank killed or hung mid-run stops the other
// within the timeout with its name and the phase, and a rank without rank 0 says so. The ranks as
// threads of one process (equivalence with one rank, failures, settings): TestDistributed.
#include <QtTest/QtTest>

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <signal.h>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "DistributedTestSupport.h"
#include "core/data/IdxImages.h"
#include "diffusion/ImageModelBundle.h"
#include "imaging/ImageFolderReader.h"
#include "sfarm/SfarmModelFile.h"

using namespace ms;
using ms::testing::firstBikes;
using ms::testing::freePort;

namespace {

int runCli(const QStringList& args, QString* output, int timeoutMs = 300000) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(MASKSTUDIO_CLI_PATH, args);
    if (!p.waitForFinished(timeoutMs)) return -1;
    *output = QString::fromUtf8(p.readAll());
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
}

// `launch --nproc 2 -- COMMAND` (or COMMAND alone on one process: `ranks` 1), Ctrl+C (SIGINT to the
// launcher) once rank 0 has written `model`: every rank must stop cleanly (exit 0, rank 1
// reporting). What they printed goes to `printed`.
void interruptOnceWritten(const QStringList& command, const QString& model, QString* printed, int ranks = 2) {
    QProcess launcher;
    launcher.setProcessChannelMode(QProcess::MergedChannels);
    launcher.start(MASKSTUDIO_CLI_PATH, ranks > 1 ? QStringList{"launch", "--nproc", QString::number(ranks), "--"} + command : command);
    QVERIFY(launcher.waitForStarted());
    QElapsedTimer waited;
    waited.start();
    while (!QFile::exists(model) && launcher.state() == QProcess::Running && waited.elapsed() < 120000) launcher.waitForFinished(20);
    QVERIFY2(QFile::exists(model), qPrintable(QString::fromUtf8(launcher.readAll())));
    ::kill(static_cast<pid_t>(launcher.processId()), SIGINT);
    QVERIFY(launcher.waitForFinished(60000));
    *printed = QString::fromUtf8(launcher.readAll());
    QVERIFY2(launcher.exitCode() == 0, qPrintable(*printed));
    if (ranks > 1) QVERIFY2(printed->contains("rank 1 of 2:"), qPrintable(*printed));
}

// The last JSON line a run printed (rank 0's, when ranks share the output).
QJsonObject lastJson(const QString& printed) {
    QJsonObject last;
    for (const QString& line : printed.split('\n'))
        if (line.startsWith('{')) last = QJsonDocument::fromJson(line.toUtf8()).object();
    return last;
}

// `sfarm train` for `epochs` on `stopRanks` processes, stopped by Ctrl+C after its first checkpoint,
// then resumed with the same global batch on `resumeRanks` processes to the planned epochs.
void sfarmStoppedThenResumed(int stopRanks, int resumeRanks, int epochs) {
    QTemporaryDir dir;
    const QString data = firstBikes(dir, 400), model = dir.filePath("t.sfm");
    QVERIFY(!data.isEmpty());
    QString printed;
    interruptOnceWritten({"sfarm", "train", "--data", data, "--out", model, "--epochs", QString::number(epochs), "--hidden", "32",
                          "--batch", "32", "--no-early-stopping", "--seed", "3"},
                         model, &printed, stopRanks);
    if (QTest::currentTestFailed()) return;
    const sfarm::SfarmModelFile left = sfarm::loadSfarmModel(model.toStdString());
    QVERIFY2(left.progress && left.progress->epochsDone < epochs, qPrintable(printed));  // stopped early: resumable
    const QStringList resume{"sfarm", "train", "--data", data, "--resume", model, "--out", model, "--json"};
    QString out;
    QVERIFY2(runCli(resumeRanks > 1 ? QStringList{"launch", "--nproc", QString::number(resumeRanks), "--"} + resume : resume, &out) == 0,
             qPrintable(out));
    if (resumeRanks > 1) QVERIFY2(out.contains("rank 1 of 2:"), qPrintable(out));
    const QJsonObject done = lastJson(out);
    QCOMPARE(done["epochs"].toInt(), epochs);
    QCOMPARE(done["resumed_from_epoch"].toInt(), left.progress->epochsDone);
    const sfarm::SfarmModelFile finished = sfarm::loadSfarmModel(model.toStdString());
    QVERIFY(!finished.progress || finished.progress->epochsDone == epochs);
    qInfo("%d rank(s) stopped by Ctrl+C after %lld epochs; %d resumed to %d", stopRanks, static_cast<long long>(left.progress->epochsDone),
          resumeRanks, epochs);
}

}  // namespace

class TestDistributedCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // `train` through the launcher: rank 0 writes the bundle, Ctrl+C stops both at the same step
    // with a checkpoint, and one process resumes it to the planned epochs.
    void launchedMcVaeRunStopsTogetherAndResumesOnOneRank() {
        QTemporaryDir dir;
        const QString data = firstBikes(dir, 400), model = dir.filePath("t.msm");
        QVERIFY(!data.isEmpty());
        QString printed;
        interruptOnceWritten({"train", "--data", data, "--preset", "bike", "--out", model, "--epochs", "3000", "--batch", "32", "--seed", "3",
                              "--device", "cpu"},
                             model, &printed);
        if (QTest::currentTestFailed()) return;
        QVERIFY2(printed.contains("cancelled; checkpoint kept in " + model), qPrintable(printed));
        QString info;
        QVERIFY2(runCli({"train", "--data", data, "--resume", model, "--out", model, "--epochs", "3000", "--json", "--quiet"}, &info) == 0,
                 qPrintable(info));
        const QJsonObject done = QJsonDocument::fromJson(info.trimmed().split('\n').last().toUtf8()).object();
        QCOMPARE(done["epochs"].toInt(), 3000);
        QCOMPARE(done["cancelled"].toBool(), false);
        qInfo("%s", qPrintable(printed.trimmed().split('\n').filter("cancelled").join(" ")));
    }

    // The CLI end to end: `launch` starts two ranks of `sfarm train`; Ctrl+C to the launcher
    // reaches both, which stop at the same step; rank 0's checkpoint then resumes on one rank.
    void launchedSfarmRunStopsTogetherAndResumesOnOneRank() { sfarmStoppedThenResumed(2, 1, 150); }

    // The reverse: a checkpoint one process left (Ctrl+C) resumes on two launched ranks with the
    // same global batch; both take part (rank 1 reports), rank 0 writes the finished model.
    void aOneProcessCheckpointResumesOnTwoRanks() { sfarmStoppedThenResumed(1, 2, 40); }

    // The partial-observation trainers (Work I, and the mask prior of Work II) through the same
    // flags: 2 local ranks, one model each.
    void launchedPartialTrainersWriteOneModelEach() {
        QTemporaryDir dir;
        const QString data = firstBikes(dir, 200), model = dir.filePath("p.mpd");
        QString out;
        QVERIFY2(runCli({"launch", "--nproc", "2", "--", "partial", "train", "--data", data, "--preset", "bike", "--out", model, "--updates",
                         "40", "--batch", "32", "--hidden", "64", "--context", "keypoint", "--json"},
                        &out) == 0,
                 qPrintable(out));
        QVERIFY2(out.contains("rank 1 of 2: done"), qPrintable(out));
        QVERIFY2(out.contains("trained " + model), qPrintable(out));
        QVERIFY(QFile::exists(model));
        QString imputed;
        QVERIFY2(runCli({"partial", "impute", "--model", model, "--data", data, "--out", dir.filePath("filled.csv")}, &imputed) == 0,
                 qPrintable(imputed));

        // the mask prior (Work II) on its own, and the image model with its gaps
        const QString prior = dir.filePath("p.mpr");
        QVERIFY2(runCli({"launch", "--nproc", "2", "--", "partial", "maskprior", "train", "--data", data, "--preset", "bike", "--out", prior,
                         "--updates", "30", "--hidden", "32"},
                        &out) == 0,
                 qPrintable(out));
        QVERIFY2(out.contains("rank 1 of 2: done, 30 updates") && out.contains("trained " + prior), qPrintable(out));
        const QString images = dir.filePath("bikes");
        QVERIFY2(runCli({"image", "render", "--data", data, "--preset", "bike", "--size", "16", "--limit", "24", "--out", images}, &out) == 0,
                 qPrintable(out));
        std::vector<uint8_t> hideRight(16 * 16);  // white = observed: the left half
        for (int y = 0; y < 16; ++y)
            for (int x = 0; x < 16; ++x) hideRight[static_cast<std::size_t>(y * 16 + x)] = x < 8 ? 255 : 0;
        const QStringList pngs = QDir(images).entryList({"*.png"}, QDir::Files, QDir::Name);
        for (int i = 0; i < pngs.size(); i += 3)
            imaging::writePngImage((images + "/" + QFileInfo(pngs[i]).completeBaseName() + ".mask.png").toStdString(), hideRight.data(), 1,
                                   16, 16);
        const QString imageModel = dir.filePath("i.mpd");
        QVERIFY2(runCli({"launch", "--nproc", "2", "--", "partial", "train", "--images", images, "--out", imageModel, "--updates", "12",
                         "--batch", "8", "--unet-channels", "8", "--context", "iid"},
                        &out) == 0,
                 qPrintable(out));
        QVERIFY2(out.contains("rank 1 of 2: done, 12 updates") && out.contains("trained " + imageModel), qPrintable(out));
    }

    // The pixel models of `paper sfarm-images train` (SFARM U-Net, MIWAE, DDPM) on 2 local ranks,
    // rank 0 writing the model; the DDPM (the diffusion trainer, which draws for the global batch)
    // reports the loss one process reports.
    void launchedPixelModelsTrainOnTwoRanks() {
        QTemporaryDir dir;
        const std::string fm = dir.filePath("fm").toStdString();  // a stand-in for Fashion-MNIST's folder
        QVERIFY(QDir().mkpath(QString::fromStdString(fm)));
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(1);
        writeIdxImages(fashionMnistImages(fm, true), at::randint(256, {40, 8, 8}, g, at::kByte));
        const auto firstLoss = [](const QString& printed) {
            for (const QString& line : printed.split('\n'))
                if (line.startsWith('{')) return QJsonDocument::fromJson(line.toUtf8()).object()["losses"].toArray().at(0).toDouble();
            return std::nan("");
        };
        for (const char* method : {"sfarm", "miwae", "ddpm"}) {
            const QString model = dir.filePath(QString(method) + ".pxm");
            const QStringList train{"paper", "sfarm-images", "train", "--method", method, "--data", QString::fromStdString(fm), "--images",
                                    "40", "--epochs", "1", "--batch", "16", "--channels", "8", "--json"};
            QString out, single;
            QVERIFY2(runCli(QStringList{"launch", "--nproc", "2", "--"} + train + QStringList{"--out", model}, &out) == 0, qPrintable(out));
            QVERIFY2(out.contains("rank 1 of 2: 1 epoch(s) done") && QFile::exists(model), qPrintable(out));
            if (QString(method) != "ddpm") continue;
            QVERIFY2(runCli(train + QStringList{"--out", dir.filePath("single.pxm")}, &single) == 0, qPrintable(single));
            const double onTwo = firstLoss(out), onOne = firstLoss(single);
            qInfo("pixel DDPM, 40 images, batch 16, 1 epoch: loss %.7f on 2 ranks, %.7f on one", onTwo, onOne);
            QVERIFY2(std::abs(onTwo - onOne) <= 1e-5 * std::abs(onOne), qPrintable(out + single));
        }
    }

    // A rank killed with SIGKILL (no handler, no goodbye) or hung (SIGSTOP: its sockets open, no
    // reset to notice, only silence) in the middle of an image training: the other stops within the
    // timeout naming the rank and the phase, rank 0's last checkpoint loads, and one process resumes
    // it to the planned epochs.
    void aKilledImageRankStopsTheOtherAndTheCheckpointResumes_data() {
        QTest::addColumn<int>("signal");
        QTest::newRow("killed (SIGKILL)") << int(SIGKILL);
        QTest::newRow("hung (SIGSTOP: alive, connected, silent)") << int(SIGSTOP);
    }
    void aKilledImageRankStopsTheOtherAndTheCheckpointResumes() {
        QFETCH(int, signal);
        QTemporaryDir dir;
        const QString images = dir.filePath("bikes"), model = dir.filePath("m.msi");
        QString out;
        QVERIFY2(runCli({"image", "render", "--data", qEnvironmentVariable("MASKSTUDIO_MODELS_DIR") + "/bike.csv", "--preset", "bike",
                         "--size", "32", "--limit", "48", "--out", images},
                        &out) == 0,
                 qPrintable(out));
        const QStringList train{"image", "train", "--images", images, "--preset", "bike", "--ae-epochs", "1", "--base", "16", "--mult",
                                "1,2", "--batch", "16", "--threads", "1", "--out", model, "--distributed-timeout", "5"};
        const QString master = QString("127.0.0.1:%1").arg(freePort());
        QProcess ranks[2];
        for (int r = 0; r < 2; ++r) {
            ranks[r].setProcessChannelMode(QProcess::MergedChannels);
            ranks[r].start(MASKSTUDIO_CLI_PATH, train + QStringList{"--epochs", "400", "--rank", QString::number(r), "--world-size", "2",
                                                                   "--master", master});
            QVERIFY(ranks[r].waitForStarted());
        }
        QElapsedTimer clock;
        clock.start();
        // past the autoencoder stage: an mcLDM checkpoint on disk
        while (clock.elapsed() < 120000 && ranks[0].state() == QProcess::Running &&
               !(QFile::exists(model) && diffusion::loadImageModel(model.toStdString()).completedEpochs >= 1))
            ranks[0].waitForFinished(50);
        QVERIFY2(ranks[0].state() == QProcess::Running, qPrintable(QString::fromUtf8(ranks[0].readAll())));
        ::kill(static_cast<pid_t>(ranks[1].processId()), signal);
        clock.restart();
        QVERIFY(ranks[0].waitForFinished(60000));
        const qint64 stoppedAfter = clock.elapsed();
        ranks[1].kill();  // a stopped rank too
        ranks[1].waitForFinished();
        const QString said = QString::fromUtf8(ranks[0].readAll());
        QVERIFY2(ranks[0].exitCode() != 0, qPrintable(said));
        // the kill lands in any of the ranks' exchanges (the epoch's shuffle, a step's agreement, the
        // gradients): the survivor names itself, the exchange that failed, and why it stopped
        QVERIFY2(said.contains("rank 0 of 2: ") && said.contains(" failed (") && said.contains("another rank stopped"), qPrintable(said));
        QVERIFY2(stoppedAfter < 5000 + 10000, qPrintable(QString::number(stoppedAfter)));
        const diffusion::ImageModelFile left = diffusion::loadImageModel(model.toStdString());
        QVERIFY(left.completedEpochs >= 1 && left.completedEpochs < 400);
        const int64_t onDisk = left.completedEpochs;
        QVERIFY2(runCli(train + QStringList{"--epochs", QString::number(onDisk + 2), "--resume", model, "--json"}, &out) == 0,
                 qPrintable(out));
        QCOMPARE(diffusion::loadImageModel(model.toStdString()).completedEpochs, onDisk + 2);
        qInfo("rank 1 %s after %lld mcLDM epochs on disk; rank 0 stopped %lld ms later: %s; resumed on one process to %lld",
              signal == SIGKILL ? "killed" : "stopped", static_cast<long long>(onDisk), static_cast<long long>(stoppedAfter),
              qPrintable(said.trimmed().split('\n').last()), static_cast<long long>(onDisk + 2));
    }

    void aRankWithoutRankZeroStopsWithItsName() {
        QTemporaryDir dir;
        const QString data = firstBikes(dir, 50);
        QString out;
        QElapsedTimer clock;
        clock.start();
        const int code = runCli({"sfarm", "train", "--data", data, "--out", dir.filePath("x.sfm"), "--world-size", "2", "--rank", "1",
                                 "--master", QString("127.0.0.1:%1").arg(freePort()), "--distributed-timeout", "2"}, &out);
        QVERIFY2(code == 1 && out.contains("rank 1 of 2") && out.contains("could not reach rank 0"), qPrintable(out));
        QVERIFY2(clock.elapsed() < 30000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY(runCli({"sfarm", "train", "--data", data, "--out", dir.filePath("x.sfm"), "--world-size", "2", "--rank", "2"}, &out) != 0);
        QVERIFY2(out.contains("rank 2 is not a rank of a group of 2"), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestDistributedCli)
#include "TestDistributedCli.moc"
