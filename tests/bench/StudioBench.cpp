// bench_studio: the studio's interactive figures, measured through the real GUI objects
// (offscreen). Prints a table; not a test.
//   1. edit -> redrawn canvas: a condition edit in the panel until the canvas has painted the
//      design generated for it (engine thread round trip + drawing + paint);
//   2. pin drag -> redrawn canvas: the saddle pinned at a new place until the canvas has painted
//      the design SFARM's completions (16 samples, the spread shading, the "specify next" ranking);
//   3. GUI event-loop delay while a training run goes on in the background: how late a 5 ms
//      timer fires, while the user keeps editing conditions every 40 ms.
//   QT_QPA_PLATFORM=offscreen build/tests/bench/bench_studio [--edits N] [--epochs N]
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <vector>

#include "core/data/DesignTableBuilder.h"
#include "core/synth/BikeSynth.h"
#include "ui/canvas/DesignCanvas.h"
#include "ui/panels/ConditionPanel.h"
#include "ui/training/TrainingPanel.h"
#include "ui/window/MainWindow.h"
#include "ui/workers/TrainingEngine.h"

namespace {

struct Stats {
    double p50, p99, max, mean;
    std::size_t n;
};

Stats stats(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    double sum = 0;
    for (double x : v) sum += x;
    auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))]; };
    return {at(0.5), at(0.99), v.back(), sum / static_cast<double>(v.size()), v.size()};
}

void row(const char* what, const Stats& s) {
    std::printf("| %-54s | %5zu | %7.2f | %7.2f | %7.2f | %7.2f |\n", what, s.n, s.p50, s.p99, s.max, s.mean);
}

bool waitFor(QObject* sender, const char* signal, int timeoutMs) {
    QEventLoop loop;
    QTimer::singleShot(timeoutMs, &loop, [&] { loop.exit(1); });
    QObject::connect(sender, signal, &loop, SLOT(quit()));
    return loop.exec() == 0;
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QCommandLineParser parser;
    QCommandLineOption editsOpt("edits", "condition edits to time", "n", "300");
    QCommandLineOption epochsOpt("epochs", "epochs of the background training run", "n", "300");
    parser.addOptions({editsOpt, epochsOpt});
    parser.addHelpOption();
    parser.process(app);
    const int edits = parser.value(editsOpt).toInt();

    ms::MainWindow window;
    window.setInteractive(false);
    window.resize(1280, 800);
    window.show();
    if (!window.openStartupModel() || !waitFor(&window, SIGNAL(designsShown(ms::GenerationOutput)), 30000)) {
        std::fprintf(stderr, "bench_studio: the default model did not load\n");
        return 1;
    }
    ms::ConditionPanel* panel = window.conditionPanel();
    ms::DesignCanvas* canvas = window.canvas();

    // 1. edit -> redrawn canvas (and 2. pin drag -> redrawn canvas)
    // Round trips (ms), and the engine's part of each (the explore thread's time for the request).
    struct Timings {
        std::vector<double> total, engine;
    };
    auto timeActions = [&](int count, const std::function<void(int)>& act) {
        Timings timings;
        QElapsedTimer t;
        for (int i = 0; i < count; ++i) {
            bool shown = false;
            QEventLoop loop;
            auto c1 = QObject::connect(&window, &ms::MainWindow::designsShown, &loop, [&](const ms::GenerationOutput& out) {
                shown = true;
                timings.engine.push_back(out.milliseconds);
            });
            auto c2 = QObject::connect(canvas, &ms::DesignCanvas::painted, &loop, [&] {
                if (shown) loop.quit();
            });
            QTimer::singleShot(5000, &loop, &QEventLoop::quit);
            t.start();
            act(i);
            loop.exec();
            timings.total.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
            QObject::disconnect(c1);
            QObject::disconnect(c2);
        }
        return timings;
    };
    auto randomEdit = [&](quint64 seedBase) { return [&, seedBase](int i) { panel->randomize(seedBase + static_cast<quint64>(i)); }; };
    timeActions(20, randomEdit(1000));  // warm-up
    const Timings editing = timeActions(edits, randomEdit(1));
    const Stats idle = stats(editing.total);
    panel->setAllUnknown();
    waitFor(&window, SIGNAL(designsShown(ms::GenerationOutput)), 5000);
    const std::size_t saddle = 10;  // saddle_top in the bike's keypoint order
    const std::vector<double> start = window.lastOutput()->designs.front();
    const Timings dragging = timeActions(edits, [&](int i) {
        // A drag path of small steps around the saddle's place, as a mouse produces them.
        window.pinKeypoint(static_cast<int>(saddle), start[2 * saddle] - 40.0 * std::sin(0.05 * i),
                           start[2 * saddle + 1] + 30.0 * std::sin(0.03 * i));
    });
    const Stats pinning = stats(dragging.total);
    window.clearPins();

    // 2. event-loop delay during a training run
    QTemporaryDir dir;
    const ms::SynthResult bikes = ms::synthBikes(3000, 7);
    const QString csv = dir.filePath("bikes.csv");
    ms::writeDesignCsv(csv.toStdString(), bikes.schema, bikes.table);
    ms::TrainingPanel* training = window.trainingPanel();
    training->setRunsRoot(dir.filePath("runs"));
    training->setPreset("bike");
    training->setDataFile(csv);
    training->setEpochs(parser.value(epochsOpt).toInt());
    std::vector<double> lateness;
    QElapsedTimer clock;
    clock.start();
    qint64 expected = 0;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(5);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (expected > 0) lateness.push_back(std::max<double>(0.0, static_cast<double>(now - expected) / 1e6));
        expected = now + 5'000'000;
    });
    QTimer editor;
    editor.setInterval(40);
    quint64 editSeed = 5000;
    QObject::connect(&editor, &QTimer::timeout, [&] { panel->randomize(editSeed++); });
    QEventLoop trainingLoop;
    QObject::connect(training, &ms::TrainingPanel::runningChanged, &trainingLoop, [&](bool running) {
        if (!running) trainingLoop.quit();
    });
    QElapsedTimer trainTime;
    trainTime.start();
    if (!training->startTraining()) {
        std::fprintf(stderr, "bench_studio: training did not start\n");
        return 1;
    }
    tick.start();
    editor.start();
    trainingLoop.exec();
    tick.stop();
    editor.stop();
    const double trainSeconds = static_cast<double>(trainTime.nsecsElapsed()) / 1e9;
    const Stats during = stats(lateness);

    std::printf("bench_studio: %d edits, background run of %s epochs on 3000 synthetic bikes (%.1f s)\n\n", edits,
                qPrintable(parser.value(epochsOpt)), trainSeconds);
    std::printf("| %-54s | %5s | %7s | %7s | %7s | %7s |\n", "what (ms)", "n", "p50", "p99", "max", "mean");
    std::printf("|%s|-------|---------|---------|---------|---------|\n", std::string(56, '-').c_str());
    row("edit -> redrawn canvas (idle)", idle);
    row("  of which the engine (explore thread)", stats(editing.engine));
    row("pin drag -> redrawn canvas (design SFARM, 16 samples)", pinning);
    row("  of which the engine (explore thread)", stats(dragging.engine));
    row("event-loop delay of a 5 ms timer during training", during);
    return 0;
}
