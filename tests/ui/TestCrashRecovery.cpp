// Crash recovery end to end: a studio process (this executable started again with --studio, a
// real MainWindow autosaving every 200 ms) sets two conditions, pins a keypoint, generates a
// batch of two images with the built-in image model, paints an inpainting region and a target
// shape. Once its autosave holds all of that the test SIGKILLs it, finds its folder offered
// (and never while it ran), restores it into a new window and compares every part; the old
// autosave goes once the new session has saved the restored state. Also: an unchanged state is
// not written again, a damaged autosave is named, not restored.
#include <QtTest/QtTest>

#include <QDir>
#include <QFile>
#include <QProcess>

#include <cmath>
#include <cstdio>

#include "ui/canvas/DesignCanvas.h"
#include "ui/image/ImagePanel.h"
#include "ui/image/MaskDocument.h"
#include "ui/image/MaskEditor.h"
#include "ui/panels/ConditionPanel.h"
#include "ui/window/CrashRecovery.h"
#include "ui/window/MainWindow.h"

using namespace ms;

namespace {

QString modelsDir() { return qEnvironmentVariable("MASKSTUDIO_MODELS_DIR"); }

void nameApplication() {  // the studio's names: the recovery folder is under them
    QCoreApplication::setOrganizationName(QStringLiteral("Maskstudio"));
    QCoreApplication::setApplicationName(QStringLiteral("maskstudio"));
}

bool samePins(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::isnan(a[i]) != std::isnan(b[i]) || (!std::isnan(a[i]) && std::abs(a[i] - b[i]) > 1e-9)) return false;
    return true;
}

bool sameImage(const QImage& a, const QImage& b) {
    return a.convertToFormat(QImage::Format_Grayscale8) == b.convertToFormat(QImage::Format_Grayscale8);
}

// The studio process the test kills: everything through MainWindow's own API, as a user would get
// it, and "READY <autosave folder>" once all of it is made.
int runStudio(int argc, char** argv) {
    QApplication app(argc, argv);
    nameApplication();
    MainWindow w;
    w.setInteractive(false);
    w.show();
    if (!w.startAutosave(200)) return 2;
    ImagePanel* images = w.imagePanel();
    bool conditionsSet = false, pinned = false, painted = false;
    const auto ready = [&] {
        if (!conditionsSet || !pinned || !painted) return;
        std::printf("READY %s\n", qPrintable(w.autosaver()->folder()));
        std::fflush(stdout);
    };
    QObject::connect(&w, &MainWindow::designsShown, &w, [&] {
        if (!conditionsSet) {
            const Schema& s = w.currentModel()->schema;
            const QString text = QStringLiteral("%1=%2\n%3=%4")
                                     .arg(QString::fromStdString(s.categorical[0].column), QString::fromStdString(s.categorical[0].classes.back()),
                                          QString::fromStdString(s.numerical[0].column))
                                     .arg(0.25 * s.numerical[0].min + 0.75 * s.numerical[0].max);
            conditionsSet = w.pasteConditions(text);
            return;
        }
        if (!pinned && w.currentModel()->designSfarm) {
            const std::vector<double>& design = w.lastOutput()->designs.front();
            pinned = w.pinKeypoint(0, design[0] + 12.5, design[1] - 7.25);
            ready();
        }
    });
    QObject::connect(images, &ImagePanel::imageReady, &w, [&] {
        if (painted) return;
        MaskEditor* editor = images->maskEditor();
        editor->document(MaskLayer::Inpaint)->stroke({QPointF(10, 10), QPointF(30, 20)}, MaskTool::Brush, 6, 1.0);
        editor->document(MaskLayer::TargetShape)->stroke({QPointF(8, 40), QPointF(56, 40)}, MaskTool::Brush, 14, 1.0);
        images->setUseTargetShape(true);
        images->setSeed(4242);
        painted = true;
        ready();
    });
    QObject::connect(images, &ImagePanel::modelReady, &w, [images] {
        images->setBatchSize(2);
        images->setSteps(10);
        images->generate();
    }, Qt::SingleShotConnection);
    if (!w.openModel(modelsDir() + QStringLiteral("/bike.msm"))) return 3;
    w.openImageModel(modelsDir() + QStringLiteral("/bike.msi"));
    return app.exec();
}

}  // namespace

class TestCrashRecovery : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        nameApplication();
        QDir(crash_recovery::root()).removeRecursively();  // another run's leftovers are not this test's
    }

    void aKilledStudioIsRestoredWhole() {
        QProcess studio;
        studio.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QString said;
        connect(&studio, &QProcess::readyReadStandardOutput, this, [&] { said += QString::fromUtf8(studio.readAllStandardOutput()); });
        studio.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--studio")});
        QVERIFY(studio.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(said.contains('\n') || studio.state() == QProcess::NotRunning, 180000);
        QVERIFY2(said.startsWith(QStringLiteral("READY ")), "the studio process ended before it had made its work");
        const QString folder = said.section(' ', 1).trimmed();

        // Its autosave catches up with what it made; a running session is never offered.
        std::optional<WorkingState> saved;
        QTRY_VERIFY_WITH_TIMEOUT((saved = crash_recovery::read(folder, nullptr)) && saved->pinnedCount() == 1 &&
                                     saved->images.history.size() == 2 && saved->images.useTargetShape && saved->images.seed == 4242,
                                 20000);
        QVERIFY(!crash_recovery::abandonedSessions().contains(folder));

        studio.kill();  // SIGKILL: no destructor, no close event
        QVERIFY(studio.waitForFinished());
        QCOMPARE(crash_recovery::abandonedSessions(), QStringList{folder});
        QString error;
        const std::optional<WorkingState> state = crash_recovery::read(folder, &error);
        QVERIFY2(state, qPrintable(error));
        QVERIFY(state->keypointModel.endsWith(QStringLiteral("bike.msm")));
        QCOMPARE(state->conditions.split('\n', Qt::SkipEmptyParts).size(), 2);
        QVERIFY(state->images.modelPath.endsWith(QStringLiteral("bike.msi")));
        QVERIFY(!state->images.current.isNull());
        const QStringList described = state->describe();
        QVERIFY2(described.contains(QStringLiteral("a painted inpainting region")) && described.contains(QStringLiteral("a target shape")) &&
                     described.contains(QStringLiteral("1 pinned keypoint")) && described.contains(QStringLiteral("2 images in the history")),
                 qPrintable(described.join(QStringLiteral("; "))));

        {
            MainWindow w;
            w.setInteractive(false);
            QVERIFY(w.startAutosave(200));
            QSignalSpy restored(&w, &MainWindow::recoveryRestored);
            w.restoreWorkingState(*state, folder);
            QTRY_VERIFY_WITH_TIMEOUT(restored.count() == 1, 60000);
            QCOMPARE(QFileInfo(QString::fromStdString(w.currentModel()->path)).absoluteFilePath(), state->keypointModel);
            QCOMPARE(QString::fromStdString(w.conditionPanel()->values().toText(w.currentModel()->schema)), state->conditions);
            QVERIFY(samePins(w.pins(), state->pins));
            QCOMPARE(w.pinnedKeypointCount(), 1);
            ImagePanel* images = w.imagePanel();
            QCOMPARE(images->modelPath(), state->images.modelPath);
            QCOMPARE(images->historyCount(), 2);
            const ImageWork back = images->work();
            for (int i = 0; i < 2; ++i) {
                QVERIFY(sameImage(back.history[i].image, state->images.history[i].image));
                QCOMPARE(back.history[i].seed, state->images.history[i].seed);
                QCOMPARE(back.history[i].batchIndex, state->images.history[i].batchIndex);
                QCOMPARE(back.history[i].conditions, state->images.history[i].conditions);
                QCOMPARE(back.history[i].description, state->images.history[i].description);
            }
            QVERIFY(sameImage(back.current, state->images.current));
            QVERIFY(sameImage(back.inpaintMask, state->images.inpaintMask));
            QVERIFY(sameImage(back.targetShape, state->images.targetShape));
            QVERIFY(back.useTargetShape);
            QCOMPARE(back.seed, quint64(4242));
            // The restored mask is one undo step on top of nothing: Undo gives the empty mask back.
            QCOMPARE(images->maskEditor()->document(MaskLayer::Inpaint)->undoStack()->count(), 1);
            // The killed session's autosave goes once this one has saved the restored state.
            QTRY_VERIFY_WITH_TIMEOUT(!QDir(folder).exists(), 10000);
            const std::optional<WorkingState> now = crash_recovery::read(w.autosaver()->folder(), nullptr);
            QVERIFY(now && now->pinnedCount() == 1 && now->images.history.size() == 2);
        }
        QVERIFY2(crash_recovery::abandonedSessions().isEmpty(), "a window that ended normally left its autosave");
    }

    void anUnchangedStateIsNotWrittenAgain() {
        int ticks = 0;
        WorkingState s;
        s.keypointModel = QStringLiteral("/nowhere/a.msm");
        s.conditions = QStringLiteral("A=1\n");
        Autosaver saver([&] { ++ticks; return s; });
        QString error;
        QVERIFY2(saver.start(3600000, &error), qPrintable(error));
        saver.saveNow();
        QTRY_COMPARE(saver.writesFinished(), 1);
        saver.saveNow();
        saver.saveNow();
        QCOMPARE(ticks, 3);
        QCOMPARE(saver.writesStarted(), 1);
        QImage mask(64, 64, QImage::Format_Grayscale8);
        mask.fill(0);
        s.images.modelPath = QStringLiteral("/nowhere/b.msi");
        s.images.inpaintMask = mask;
        saver.saveNow();
        QTRY_COMPARE(saver.writesFinished(), 2);
        const QStringList files = QDir(saver.folder()).entryList({QStringLiteral("img-*")}, QDir::Files);
        QCOMPARE(files.size(), 1);
        mask.scanLine(4)[3] = 255;  // another mask: its own file, the old one removed
        s.images.inpaintMask = mask;
        saver.saveNow();
        QTRY_COMPARE(saver.writesFinished(), 3);
        const QStringList after = QDir(saver.folder()).entryList({QStringLiteral("img-*")}, QDir::Files);
        QCOMPARE(after.size(), 1);
        QVERIFY(after != files);
        const std::optional<WorkingState> back = crash_recovery::read(saver.folder(), &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(qGray(back->images.inpaintMask.pixel(3, 4)), 255);
        QCOMPARE(back->conditions, s.conditions);
    }

    void aDamagedAutosaveIsNamedNotRestored() {
        QTemporaryDir dir;
        QFile state(dir.filePath(QStringLiteral("state.json")));
        QVERIFY(state.open(QIODevice::WriteOnly));
        state.write("{\"format\": \"maskstudio-recovery\", \"image\": {\"current\": \"img-0.png\"}}");
        state.close();
        QString error;
        QVERIFY(!crash_recovery::read(dir.path(), &error));
        QVERIFY2(error.contains(QStringLiteral("img-0.png")), qPrintable(error));
        QVERIFY(state.open(QIODevice::WriteOnly | QIODevice::Truncate));
        state.write("{\"format\": \"maskstudio-rec");
        state.close();
        QVERIFY(!crash_recovery::read(dir.path(), &error));
        QVERIFY2(error.contains(QStringLiteral("state.json")), qPrintable(error));
    }
};

int main(int argc, char** argv) {
    if (argc > 1 && qstrcmp(argv[1], "--studio") == 0) return runStudio(argc, argv);
    QApplication app(argc, argv);
    TestCrashRecovery test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestCrashRecovery.moc"
