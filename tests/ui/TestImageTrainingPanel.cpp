// The Training dock's Images tab (offscreen) on 48 rendered bikes: an image model trained from the
// studio (curves, the model opening in the Image dock, Cancel keeping a resumable checkpoint and
// Resume going on from it), the same on two local processes and as a cluster script, and a folder
// whose images have observation masks training a model of incomplete images (the partition
// previewed; a learnt prior's epochs reported and its Cancel writing nothing).
#include <QtTest/QtTest>
#include <QScopeGuard>

#include <QCheckBox>
#include <QComboBox>
#include <QSpinBox>

#include "ui/image/ImagePanel.h"
#include "ui/image/ImageTrainingPanel.h"
#include "ui/workers/ImageTrainingEngine.h"
#include "ImageTestSupport.h"

using namespace ms;
using ms::testing::runCli;
using ms::testing::waitFor;

class TestImageTrainingPanel : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() {
        QCOMPARE(runCli({"image", "render", "--data", qEnvironmentVariable("MASKSTUDIO_MODELS_DIR") + "/bike.csv", "--preset",
                         "bike", "--size", "32", "--limit", "48", "--out", m_dir.filePath("bikes")}), 0);
    }

    void trainingFromTheStudio() {
        qputenv("MASKSTUDIO_RUNS_DIR", m_dir.filePath("runs").toUtf8());
        ImageTrainingPanel panel;
        QVERIFY(!panel.loadImages(m_dir.filePath("no-such-folder")));
        QVERIFY(panel.report().contains("no-such-folder"));
        QVERIFY(!panel.startTraining());  // nothing loaded
        QVERIFY(panel.loadImages(m_dir.filePath("bikes")));
        QVERIFY(panel.report().contains("48 image(s) loaded"));
        panel.setEpochs(1, 3, 1);
        panel.setArchitecture(16, "1,2");
        QSignalSpy trained(&panel, &ImageTrainingPanel::modelTrained);
        QVERIFY(panel.startTraining());
        QVERIFY(waitFor(trained, 1, 120000));
        QCOMPARE(panel.curvePoints(), 1 + 3);
        QCOMPARE(panel.lastPreview().size(), QSize(4 * 32, 32));  // four previews side by side
        const QString path = trained.first().at(0).toString();
        QVERIFY(QFile::exists(path));
        // A model trained in the studio follows target shapes unless the box is cleared.
        QVERIFY(panel.findChild<QCheckBox*>("imageCrossAttention")->isChecked());
        {
            ImagePanel images;
            QSignalSpy ready(&images, &ImagePanel::modelReady);
            images.openModel(path);
            QVERIFY(waitFor(ready, 1));
            QVERIFY(images.followsTargetShapes());
        }

        // Cancel during the mcLDM stage leaves a resumable checkpoint; resume finishes it.
        panel.setEpochs(1, 500, 0);
        QSignalSpy finished(panel.engine(), &ImageTrainingEngine::finished);
        QSignalSpy progress(panel.engine(), &ImageTrainingEngine::progress);
        QSignalSpy failed(panel.engine(), &ImageTrainingEngine::failed);
        QVERIFY(panel.startTraining());
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 60000) {
            progress.wait(200);
            if (!progress.isEmpty() && progress.last().at(0).toString() == "mcldm") break;
        }
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));
        panel.cancel();
        QVERIFY(waitFor(finished, 1, 60000));
        QVERIFY(finished.last().at(1).toBool());  // cancelled
        const QString checkpoint = finished.last().at(0).toString();
        QVERIFY(QFile::exists(checkpoint));
        QVERIFY(panel.report().contains("Resume"));
        const QRegularExpressionMatch done = QRegularExpression("after (\\d+) mcLDM epochs").match(panel.report());
        QVERIFY2(done.hasMatch(), qPrintable(panel.report()));
        const int epochsDone = done.captured(1).toInt();
        QVERIFY(epochsDone >= 1 && epochsDone < 500);
        panel.setEpochs(1, epochsDone + 2, 0);
        trained.clear();
        QVERIFY(panel.startTraining(QString(), checkpoint));
        QVERIFY2(waitFor(trained, 1, 120000), qPrintable(panel.report()));
        QCOMPARE(trained.first().at(0).toString(), checkpoint);
    }

    // Data parallel from the Images tab: 2 local processes through maskstudio-cli launch, the loss
    // curves fed from their progress lines, Cancel reaching both ranks (a resumable checkpoint),
    // and the same training as a SLURM script.
    void trainingOnTwoLocalProcessesAndOnACluster() {
        qputenv("MASKSTUDIO_RUNS_DIR", m_dir.filePath("runs-parallel").toUtf8());
        ImageTrainingPanel panel;
        panel.setCliPath(MASKSTUDIO_CLI_PATH);
        QVERIFY(panel.loadImages(m_dir.filePath("bikes")));
        panel.setEpochs(1, 2, 0);
        panel.setArchitecture(16, "1,2");
        panel.setProcesses(2);
        const QString script = panel.clusterScript();
        for (const char* part : {"#SBATCH --nodes=2", "#SBATCH --ntasks-per-node=4", "export MASTER_ADDR=", "srun maskstudio-cli image train",
                                 "--images", "--epochs 2", "--base 16", "--mult 1,2", "--threads 8"})
            QVERIFY2(script.contains(part), qPrintable(QString("%1 not in\n%2").arg(part, script)));
        const QStringList launch = panel.command("m.msi").launchArguments(2);
        QCOMPARE(launch.mid(0, 5), (QStringList{"launch", "--nproc", "2", "--", "image"}));

        QSignalSpy trained(&panel, &ImageTrainingPanel::modelTrained);
        QVERIFY(panel.startTraining());
        QVERIFY(panel.running());
        QVERIFY2(waitFor(trained, 1, 180000), qPrintable(panel.report()));
        QCOMPARE(panel.curvePoints(), 1 + 2);  // every epoch of both stages, from the ranks' lines
        const QString path = trained.first().at(0).toString();
        QVERIFY(QFile::exists(path));
        QVERIFY2(panel.report().contains("trained " + path), qPrintable(panel.report()));
        {
            ImagePanel images;
            QSignalSpy ready(&images, &ImagePanel::modelReady);
            images.openModel(path);
            QVERIFY(waitFor(ready, 1));
        }

        // Cancel during the mcLDM stage: both ranks stop, rank 0's file is a checkpoint.
        panel.setEpochs(1, 500, 0);
        trained.clear();
        QVERIFY(panel.startTraining());
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 120000 && !panel.report().contains("mcldm") && panel.curvePoints() < 2) QTest::qWait(100);
        QVERIFY2(panel.curvePoints() >= 2, qPrintable(panel.report()));
        panel.cancel();
        while (t.elapsed() < 180000 && panel.running()) QTest::qWait(100);
        QVERIFY(!panel.running());
        QVERIFY(trained.isEmpty());
        const QRegularExpressionMatch stopped =
            QRegularExpression("cancelled after (\\d+) mcLDM epochs: checkpoint (\\S+) \\(continue with --resume").match(panel.report());
        QVERIFY2(stopped.hasMatch(), qPrintable(panel.report()));
        // ... and the 2-rank checkpoint resumes in the studio's own thread (one process, same batch)
        panel.setProcesses(1);
        panel.setEpochs(1, stopped.captured(1).toInt() + 1, 0);
        QVERIFY(panel.startTraining(QString(), stopped.captured(2)));
        QVERIFY2(waitFor(trained, 1, 120000), qPrintable(panel.report()));
        QCOMPARE(trained.first().at(0).toString(), stopped.captured(2));
    }

    // The Training dock's Images tab on a folder whose images have observation masks: the option
    // appears, the partition is previewed (the data's masks over the contexts drawn from them),
    // the .mpd trains and opens; Cancel writes nothing and says so.
    void incompleteImagesTrainFromTheTrainingDock() {
        qputenv("MASKSTUDIO_RUNS_DIR", m_dir.filePath("runs").toUtf8());
        const QString folder = m_dir.filePath("bikes");
        QImage hideRight(32, 32, QImage::Format_Grayscale8);
        for (int y = 0; y < 32; ++y)
            for (int x = 0; x < 32; ++x) hideRight.setPixel(x, y, x < 16 ? qRgb(255, 255, 255) : qRgb(0, 0, 0));
        const QStringList pngs = QDir(folder).entryList({"*.png"}, QDir::Files, QDir::Name);
        ImageTrainingPanel panel;
        QVERIFY(panel.loadImages(folder));  // no masks yet: no option
        QCOMPARE(panel.imagesWithGaps(), 0);
        QVERIFY(!panel.findChild<QCheckBox*>("imageIncomplete")->isEnabled());
        QVERIFY(!panel.setLearnFromIncompleteImages(true));
        QVERIFY(panel.findChild<QComboBox*>("imagePartition")->isHidden());
        for (int i = 0; i < pngs.size(); i += 3) QVERIFY(hideRight.save(folder + "/" + QFileInfo(pngs[i]).completeBaseName() + ".mask.png"));
        const auto removeMasks = qScopeGuard([&] {
            for (int i = 0; i < pngs.size(); i += 3) QFile::remove(folder + "/" + QFileInfo(pngs[i]).completeBaseName() + ".mask.png");
        });
        QVERIFY(panel.loadImages(folder));
        QCOMPARE(panel.imagesWithGaps(), int((pngs.size() + 2) / 3));
        QVERIFY2(panel.report().contains(QString("%1 of %2 images have gaps").arg(panel.imagesWithGaps()).arg(pngs.size())),
                 qPrintable(panel.report()));
        QVERIFY(panel.findChild<QCheckBox*>("imageIncomplete")->isEnabled());
        QVERIFY(panel.setLearnFromIncompleteImages(true, "auto"));
        QVERIFY(panel.findChild<QComboBox*>("imagePartition")->isEnabled());
        QVERIFY(!panel.findChild<QComboBox*>("imagePartition")->isHidden());
        QVERIFY(!panel.findChild<QSpinBox*>("imageProcesses")->isEnabled());  // the image model's settings do not apply
        panel.findChild<QSpinBox*>("imagePartialUpdates")->setValue(12);

        QSignalSpy partition(panel.engine(), &ImageTrainingEngine::partitionChosen);
        QSignalSpy trained(&panel, &ImageTrainingPanel::modelTrained);
        QVERIFY(panel.startTraining());
        QVERIFY2(waitFor(trained, 1, 120000), qPrintable(panel.report()));
        QCOMPARE(partition.count(), 1);
        QVERIFY2(partition.first().at(0).toString().startsWith("blocks of"), qPrintable(partition.first().at(0).toString()));
        QVERIFY(!partition.first().at(2).toBool());  // contexts, not prior draws
        // 8 masks of 32 px in two rows, 4 px apart: the data's (right half dark) over their contexts
        const QImage grid = panel.lastPreview();
        QCOMPARE(grid.size(), QSize(8 * 36 - 4, 68));
        QCOMPARE(qGray(grid.pixel(8, 10)), 250);   // observed
        QCOMPARE(qGray(grid.pixel(24, 10)), 30);   // hidden by the mask
        int darkerBelow = 0;
        for (int x = 0; x < grid.width(); ++x)
            for (int y = 0; y < 32; ++y) darkerBelow += qGray(grid.pixel(x, 36 + y)) < qGray(grid.pixel(x, y));
        QVERIFY(darkerBelow > 0);  // a context leaves out part of what is observed
        const QString model = trained.first().at(0).toString();
        QVERIFY2(model.endsWith("model.mpd") && QFile::exists(model), qPrintable(model));
        QVERIFY(panel.curvePoints() >= 1);
        QVERIFY2(panel.report().contains("Learnt from 48 images (16 with gaps"), qPrintable(panel.report()));

        // A learnt prior reports its epochs (its loss curve) before the partition is chosen (its
        // draws are the engine tests'); Cancel while it trains writes nothing, and the dock says so.
        QVERIFY(panel.setLearnFromIncompleteImages(true, "prior"));
        QVERIFY(!panel.findChild<QSpinBox*>("imagePriorUpdates")->isHidden());
        panel.findChild<QSpinBox*>("imagePriorUpdates")->setValue(100000);
        QSignalSpy progress(panel.engine(), &ImageTrainingEngine::progress);
        QSignalSpy finished(panel.engine(), &ImageTrainingEngine::finished);
        QVERIFY(panel.startTraining());
        QVERIFY(waitFor(progress, 1, 60000));
        QCOMPARE(progress.first().at(0).toString(), QStringLiteral("mask prior"));
        QVERIFY(progress.first().at(2).toInt() > 1);  // the prior's epochs to come
        panel.cancel();
        QVERIFY(waitFor(finished, 1, 60000));
        QCOMPARE(partition.count(), 1);  // no partition was chosen
        QVERIFY(finished.first().at(1).toBool());
        QVERIFY(finished.first().at(0).toString().isEmpty());
        QVERIFY2(panel.report().contains("nothing was saved"), qPrintable(panel.report()));
    }
};

QTEST_MAIN(TestImageTrainingPanel)
#include "TestImageTrainingPanel.moc"
