// maskstudio: the desktop studio. Argument parsing only; everything else lives in ui/ and engine/.
//   maskstudio [MODEL.msm]                 open the studio (on the last or the built-in model)
//   maskstudio --screenshot OUT.png        open, wait for the first design, save the window, quit
//   maskstudio --render OUT.png            headless: draw the default design to a PNG, quit
//   maskstudio --smoke-test                open, generate once, exit 0 (packaging check)
//   --random-conditions SEED, --samples N  start from random conditions / with N samples drawn
//   --image-model M.msi                    open an image model in the Image dock and generate once
//                                          (without it: the last one, or the built-in models/bike.msi)
//   --train CSV                            open the Training dock on CSV and start a run (as Browse + Train)
//   --print-handles                        print each keypoint handle's screen position once drawn
//                                          (for xdotool scripts: packaging/screenshots.sh)
// An interactive session autosaves its working state (crash recovery); after a kill or crash the
// next start offers to restore it.
#include <QApplication>
#include <QScreen>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>

#include "core/runtime/OpenMpWaiting.h"
#include "ui/canvas/DesignCanvas.h"
#include "ui/image/ImagePanel.h"
#include "ui/panels/ConditionPanel.h"
#include "ui/panels/SamplingPanel.h"
#include "ui/training/TrainingPanel.h"
#include "ui/window/MainWindow.h"

int main(int argc, char** argv) {
    ms::restartWithShortOpenMpSpins(argv);  // before anything else: OpenMP reads it at start
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("maskstudio"));
    QApplication::setOrganizationName(QStringLiteral("Maskstudio"));
    QApplication::setApplicationVersion(QStringLiteral(MASKSTUDIO_VERSION));
    QApplication::setApplicationDisplayName(QStringLiteral("Maskstudio"));
    QApplication::setDesktopFileName(QStringLiteral("maskstudio"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Design exploration with masked-conditioning generative models"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption screenshot(QStringLiteral("screenshot"), QStringLiteral("Save a screenshot of the window and quit."),
                                  QStringLiteral("png"));
    QCommandLineOption render(QStringLiteral("render"), QStringLiteral("Draw the current design to a PNG and quit (no display needed with -platform offscreen)."),
                              QStringLiteral("png"));
    QCommandLineOption smoke(QStringLiteral("smoke-test"), QStringLiteral("Load the default model, generate once, exit 0 on success."));
    QCommandLineOption random(QStringLiteral("random-conditions"), QStringLiteral("Start from random conditions (seeded)."),
                              QStringLiteral("seed"));
    QCommandLineOption samples(QStringLiteral("samples"), QStringLiteral("Draw N samples at once (their spread)."),
                               QStringLiteral("n"));
    QCommandLineOption pin(QStringLiteral("pin"), QStringLiteral("Pin a keypoint (repeatable), e.g. saddle_top=600,950."),
                           QStringLiteral("keypoint=x,y"));
    QCommandLineOption imageModel(QStringLiteral("image-model"), QStringLiteral("Open an image model (.msi, .mpd) in the Image dock and generate once."),
                                  QStringLiteral("file"));
    QCommandLineOption train(QStringLiteral("train"), QStringLiteral("Open the Training dock on a CSV and start a run with the default settings."),
                             QStringLiteral("csv"));
    QCommandLineOption printHandles(QStringLiteral("print-handles"),
                                    QStringLiteral("Print each keypoint handle's screen position (NAME X Y) once the first design is drawn."));
    parser.addOptions({screenshot, render, smoke, random, samples, pin, imageModel, train, printHandles});
    parser.addPositionalArgument(QStringLiteral("model"), QStringLiteral("A model bundle (.msm) to open."), QStringLiteral("[model]"));
    parser.process(app);

    ms::MainWindow window;
    const bool batch = parser.isSet(screenshot) || parser.isSet(render) || parser.isSet(smoke);
    window.setInteractive(!batch);
    const QStringList models = parser.positionalArguments();
    // A session that was killed or crashed offers its autosave first (restoring opens its models).
    const bool restoring = !batch && models.isEmpty() && !parser.isSet(imageModel) && window.offerRecovery();
    const bool opened = restoring || (models.isEmpty() ? window.openStartupModel() : window.openModel(models.first()));
    if (batch && !opened) {
        std::fprintf(stderr, "maskstudio: no model to open\n");
        return 1;
    }
    if (parser.isSet(random)) {
        const quint64 seed = parser.value(random).toULongLong();
        QObject::connect(&window, &ms::MainWindow::modelReady, &window,
                         [&window, seed] { window.conditionPanel()->randomize(seed); }, Qt::QueuedConnection);
    }
    const QStringList pins = parser.values(pin);
    if (!pins.isEmpty()) {
        QObject::connect(&window, &ms::MainWindow::modelReady, &window, [&window, pins](const ms::api::ModelInfo& info) {
            for (const QString& p : pins) {
                const QString name = p.section('=', 0, 0);
                const QStringList xy = p.section('=', 1).split(',');
                int index = -1;
                for (std::size_t k = 0; k < info.schema.keypoints.size(); ++k)
                    if (QString::fromStdString(info.schema.keypoints[k].name) == name) index = static_cast<int>(k);
                bool okX = false, okY = false;
                const double x = xy.value(0).toDouble(&okX), y = xy.value(1).toDouble(&okY);
                if (index < 0 || !okX || !okY || xy.size() != 2 || !window.pinKeypoint(index, x, y))
                    std::fprintf(stderr, "maskstudio: cannot pin '%s' (expected KEYPOINT=X,Y with a keypoint of %s)\n",
                                 qPrintable(p), info.name.c_str());
            }
        }, Qt::QueuedConnection);
    }
    if (parser.isSet(samples)) {
        ms::SamplingOptions o = window.samplingPanel()->options();
        o.samples = parser.value(samples).toInt();
        window.samplingPanel()->setOptions(o);
    }
    if (batch || window.restoredLayout()) {
        if (batch) window.resize(1280, 800);  // pictures of the same size on every machine
        if (!parser.isSet(render)) window.show();
    } else {
        // First launch: the whole screen (a window manager maximises; without one, the size).
        if (const QScreen* screen = window.screen()) window.setGeometry(screen->availableGeometry());
        window.showMaximized();
    }
    if (parser.isSet(imageModel)) {
        ms::ImagePanel* panel = window.imagePanel();
        QObject::connect(panel, &ms::ImagePanel::modelReady, panel, [panel] { panel->generate(); }, Qt::SingleShotConnection);
        window.openImageModel(parser.value(imageModel));
    } else if (!batch && !restoring) {
        window.openStartupImageModel();  // the last one, or the built-in models/bike.msi
    }
    if (!batch) window.startAutosave();  // crash recovery: the working state every 3 s
    if (parser.isSet(train)) {
        window.showTrainingDock();
        ms::TrainingPanel* panel = window.trainingPanel();
        if (!panel->setDataFile(parser.value(train)) || !panel->startTraining())
            std::fprintf(stderr, "maskstudio: could not start training on %s\n", qPrintable(parser.value(train)));
    }
    if (parser.isSet(printHandles)) {
        QObject::connect(&window, &ms::MainWindow::designsShown, &window, [&window] {
            QTimer::singleShot(300, &window, [&window] {
                const ms::DesignCanvas* canvas = window.canvas();
                const auto& schema = window.currentModel()->schema;
                for (std::size_t k = 0; k < schema.keypoints.size() && k < canvas->keypoints().size(); ++k) {
                    const QPoint at = canvas->mapToGlobal(canvas->keypointHandlePosition(static_cast<int>(k)).toPoint());
                    std::printf("%s %d %d\n", schema.keypoints[k].name.c_str(), at.x(), at.y());
                }
                std::fflush(stdout);
            });
        }, Qt::SingleShotConnection);
    }
    if (!batch) return app.exec();

    // Batch modes: act on the first design shown (after the random conditions, if asked).
    int shown = 0;
    const int wanted = parser.isSet(random) ? 2 : 1;
    int status = 1;
    QObject::connect(&window, &ms::MainWindow::designsShown, &window, [&] {
        if (++shown < wanted) return;
        if (!pins.isEmpty() && !window.lastOutput()->pinned) return;  // the pinned design is on its way
        QTimer::singleShot(200, &window, [&] {
            if (parser.isSet(screenshot)) {
                status = window.grab().save(parser.value(screenshot)) ? 0 : 1;
            } else if (parser.isSet(render)) {
                window.canvas()->fitView();
                status = window.exportTo(parser.value(render), ms::ExportFormat::Png) ? 0 : 1;
            } else {
                status = window.lastOutput() && !window.lastOutput()->designs.empty() ? 0 : 1;
            }
            if (status != 0) std::fprintf(stderr, "maskstudio: could not write the output\n");
            app.quit();
        });
    });
    QTimer::singleShot(60000, &app, [&] {
        std::fprintf(stderr, "maskstudio: no design after 60 s\n");
        app.exit(2);
    });
    app.exec();
    return status;
}
