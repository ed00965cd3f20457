#include "ui/window/MainWindow.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QTabWidget>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpression>
#include <QScrollArea>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QUndoStack>

#include <algorithm>
#include <stdexcept>

#include "core/geometry/GeometryExport.h"
#include "mcvae/Preset.h"
#include "ui/canvas/DesignCanvas.h"
#include "ui/image/ConceptDialog.h"
#include "ui/image/ImagePanel.h"
#include "ui/image/ImageTrainingPanel.h"
#include "ui/image/MaskDocument.h"
#include "ui/image/MaskEditor.h"
#include "ui/panels/ConditionPanel.h"
#include "ui/panels/SamplingPanel.h"
#include "ui/training/TrainingPanel.h"
#include "ui/window/StudioTheme.h"
#include "ui/workers/ExploreEngine.h"
#include "ui/workers/ImageTrainingEngine.h"
#include "ui/workers/TrainingEngine.h"
#include "ui/workers/TuneEngine.h"

// Resources compiled into a static library must be registered by name, outside any namespace.
static void registerUiResources() { Q_INIT_RESOURCE(maskstudio); }

namespace ms {

namespace {
constexpr int kMaxRecent = 8;

QStringList splitLines(const QString& text) {
    QStringList lines;
    for (const QString& line : text.split(QRegularExpression(QStringLiteral("[\\r\\n;]+")), Qt::SkipEmptyParts))
        if (!line.trimmed().isEmpty()) lines << line.trimmed();
    return lines;
}
}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_explore(new ExploreEngine(this)), m_training(new TrainingEngine(this)) {
    registerUiResources();
    m_clock.start();
    setWindowTitle(tr("Maskstudio"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/maskstudio.svg")));
    m_canvas = new DesignCanvas(this);
    setCentralWidget(m_canvas);
    m_conditions = new ConditionPanel(this);
    m_sampling = new SamplingPanel(this);
    m_trainingPanel = new TrainingPanel(m_training, this);
    m_imagePanel = new ImagePanel(this);
    m_imageTraining = new ImageTrainingPanel(this);
    m_modelBox = new QComboBox(this);
    m_modelBox->setMinimumContentsLength(18);
    m_modelBox->setToolTip(tr("Switch model: the built-in bike and car, and every model you open or train"));
    m_deviceLabel = new QLabel(this);
    m_modelLabel = new QLabel(this);
    m_latencyLabel = new QLabel(this);
    m_pinLabel = new QLabel(this);
    statusBar()->addPermanentWidget(m_pinLabel);
    statusBar()->addPermanentWidget(m_modelLabel);
    statusBar()->addPermanentWidget(m_deviceLabel);
    statusBar()->addPermanentWidget(m_latencyLabel);
    buildDocks();
    buildActions();

    connect(m_explore, &ExploreEngine::modelLoaded, this, &MainWindow::onModelLoaded);
    connect(m_explore, &ExploreEngine::modelLoadFailed, this, &MainWindow::onModelLoadFailed);
    connect(m_explore, &ExploreEngine::generated, this, &MainWindow::onGenerated);
    connect(m_conditions, &ConditionPanel::valuesChanged, this, &MainWindow::requestGeneration);
    connect(m_sampling, &SamplingPanel::changed, this, &MainWindow::requestGeneration);
    connect(m_conditions, &ConditionPanel::spreadTargetChanged, this, &MainWindow::requestGeneration);
    connectPinsAndDesignSfarm();
    connectImageDock();
    connect(m_modelBox, qOverload<int>(&QComboBox::activated), this, [this](int index) {
        openModel(m_modelBox->itemData(index).toString());
    });
    connect(m_trainingPanel, &TrainingPanel::modelTrained, this, [this](const QString& path, const QString&) {
        addModelEntry(path);
        m_designSfarmOnLoad = QFileInfo(path).absoluteFilePath();  // a new model gets its design SFARM right away
        openModel(path);
        statusBar()->showMessage(tr("New model %1 is ready and selected (File → Rename model… to name it)").arg(modelLabelAt(path)), 8000);
    });

    // Built-in models first, then what the user opened before.
    const QDir models(QString::fromStdString(mcvae::modelsDirectory()));
    for (const QString& f : models.entryList({QStringLiteral("*.msm"), QStringLiteral("*.mpd")}, QDir::Files, QDir::Name))
        addModelEntry(models.filePath(f));
    restoreSettings();
}

MainWindow::~MainWindow() = default;

bool MainWindow::openStartupModel() {
    const QString& last = m_settings.lastModel;
    if (!last.isEmpty() && QFileInfo::exists(last)) return openModel(last);
    const QString bike = QString::fromStdString(mcvae::modelsDirectory()) + QStringLiteral("/bike.msm");
    if (QFileInfo::exists(bike)) return openModel(bike);
    if (m_modelBox->count() > 0) return openModel(m_modelBox->itemData(0).toString());
    m_canvas->setMessage(tr("No model found. Train one in the Training dock: choose a CSV and press Train."));
    return false;
}

void MainWindow::setInteractive(bool interactive) {
    m_interactive = interactive;
    m_trainingPanel->setInteractive(interactive);
}

void MainWindow::buildDocks() {
    auto addDock = [this](const QString& title, const char* objectName, QWidget* content, bool scrolled,
                          Qt::DockWidgetArea area) {
        auto* dock = new QDockWidget(title, this);
        dock->setObjectName(QString::fromLatin1(objectName));  // saveState() needs names
        if (scrolled) {
            auto* scroll = new QScrollArea(dock);
            scroll->setWidget(content);
            scroll->setWidgetResizable(true);
            content = scroll;
        }
        dock->setWidget(content);
        addDockWidget(area, dock);
        return dock;
    };
    QDockWidget* conditionDock = addDock(tr("Conditions"), "conditionsDock", m_conditions, true, Qt::LeftDockWidgetArea);
    QDockWidget* samplingDock = addDock(tr("Sampling"), "samplingDock", m_sampling, true, Qt::LeftDockWidgetArea);
    auto* trainingTabs = new QTabWidget(this);
    trainingTabs->setObjectName(QStringLiteral("trainingTabs"));
    trainingTabs->addTab(m_trainingPanel, tr("Keypoints"));
    auto* imageTrainingScroll = new QScrollArea(trainingTabs);
    imageTrainingScroll->setWidget(m_imageTraining);
    imageTrainingScroll->setWidgetResizable(true);
    trainingTabs->addTab(imageTrainingScroll, tr("Images"));
    QDockWidget* trainingDock = addDock(tr("Training"), "trainingDock", trainingTabs, false, Qt::RightDockWidgetArea);
    QDockWidget* imageDock = addDock(tr("Image"), "imageDock", m_imagePanel, false, Qt::RightDockWidgetArea);
    tabifyDockWidget(trainingDock, imageDock);
    // The first-launch layout (a saved one replaces it): the canvas gets the space, the left docks
    // are as wide as their content asks (labels whole, no sideways scrolling), the Image dock
    // beside the canvas, and training opens when asked (File > Train a model…, View > Training).
    // The Image dock shows with an image model (File > Open image model…, or a trained one).
    trainingDock->hide();
    imageDock->hide();
    resizeDocks({conditionDock, samplingDock}, {560, 260}, Qt::Vertical);
}

void MainWindow::showTrainingDock() {
    if (auto* dock = findChild<QDockWidget*>(QStringLiteral("trainingDock"))) {
        dock->show();
        dock->raise();
    }
}

void MainWindow::fitConditionDockOnFirstLaunch() {
    if (m_restoredLayout || m_firstLayoutDone) return;
    m_firstLayoutDone = true;
    // Once the first model's conditions fill the panel (before, its width says nothing), and
    // after the layout has settled: as wide as the labels ask, at most a third of the window.
    QTimer::singleShot(0, this, [this] {
        auto* conditionDock = findChild<QDockWidget*>(QStringLiteral("conditionsDock"));
        if (!conditionDock) return;
        const int scrollBar = style()->pixelMetric(QStyle::PM_ScrollBarExtent);
        const int wanted = std::max(m_conditions->sizeHint().width(), m_sampling->sizeHint().width()) + scrollBar + 16;
        resizeDocks({conditionDock}, {std::clamp(wanted, 300, width() / 3)}, Qt::Horizontal);
        saveSettings();  // this layout, not the unsettled one of the model's load, if the session is killed
    });
}

void MainWindow::onModelLoaded(const api::ModelInfo& info, quint64 serial) {
    if (serial != m_awaitedSerial) return;  // a later load is on its way
    if (m_model) {
        rememberConditions();
        m_pinsByModel[QFileInfo(QString::fromStdString(m_model->path)).absoluteFilePath()] = m_pins.values();
    }
    m_model = info;
    m_last.reset();
    const QString path = QString::fromStdString(info.path);
    m_modelBox->setCurrentIndex(m_modelBox->findData(QFileInfo(path).absoluteFilePath()));
    m_modelLabel->setText(info.partial ? tr("Model: %1 (learned from incomplete designs, %2 updates)")
                                             .arg(QString::fromStdString(info.name))
                                             .arg(info.completedEpochs)
                                       : tr("Model: %1 (%2 epochs)").arg(QString::fromStdString(info.name)).arg(info.completedEpochs));
    m_deviceLabel->setText(tr("Device: %1").arg(QString::fromStdString(info.deviceName).toUpper()));
    m_trainingPanel->setCurrentModel(path, info.schema);

    ConditionValues initial = ConditionValues::allUnknown(info.schema);
    // A restore after a crash brings its own conditions and pins for this model.
    const bool restoring = m_restoring && QFileInfo(m_restoring->keypointModel).absoluteFilePath() == QFileInfo(path).absoluteFilePath();
    const QStringList saved = splitLines(restoring ? m_restoring->conditions : StudioSettings::conditionsFor(QString::fromStdString(info.name)));
    if (!saved.isEmpty()) {
        std::vector<std::string> lines;
        for (const QString& l : saved) lines.push_back(l.toStdString());
        try {
            initial = parseConditionAssignments(info.schema, lines);
        } catch (const std::exception&) {
            // Saved for an older version of the model: start from unknown.
        }
    }
    m_sampling->setLatentDim(info.latentDim);
    m_pins.reset(info.schema.outputDim());
    const QString absolutePath = QFileInfo(path).absoluteFilePath();
    if (const auto kept = m_pinsByModel.find(absolutePath); kept != m_pinsByModel.end() && kept->second.size() == info.schema.outputDim())
        m_pins.assign(kept->second);  // back on a model: its pins, as its undo history has them
    if (restoring && m_restoring->pins.size() == info.schema.outputDim()) m_pins.assign(m_restoring->pins);
    showPinCount();
    m_canvas->setKeypoints({}, {});
    if (!info.designSfarm) m_conditions->clearSuggestions(QString::fromStdString(info.designSfarmNote));
    m_trainSfarm->setEnabled(!info.designSfarm && info.referenceRows > 0);
    trainNewModelsDesignSfarm(info);
    m_canvas->fitOnNextDesigns();
    m_conditions->setSchema(info.schema, initial, absolutePath);  // triggers the first generation
    fitConditionDockOnFirstLaunch();
    if (restoring) {
        m_restoring.reset();
        recoveryPartDone();
    }

    QStringList& recent = m_settings.recentModels;
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent) recent.removeLast();
    m_settings.lastModel = path;
    saveSettings();
    statusBar()->showMessage(tr("%1 loaded · %2").arg(QString::fromStdString(info.name), QString::fromStdString(info.referenceNote)), 6000);
    noteImageModelConditions();
    Q_EMIT modelReady(info);
}

void MainWindow::onModelLoadFailed(const QString& path, const QString& message) {
    if (path != m_loadingPath) return;
    if (m_model) {
        const int index = m_modelBox->findData(QFileInfo(QString::fromStdString(m_model->path)).absoluteFilePath());
        m_modelBox->setCurrentIndex(index);
    }
    QString note;
    if (m_restoring && QFileInfo(m_restoring->keypointModel).absoluteFilePath() == QFileInfo(path).absoluteFilePath()) {
        m_restoring.reset();  // its conditions and pins stay in the recovery folder
        note = tr("\n\nThe conditions and pins of the last session were not restored; they stay in %1.")
                   .arg(QDir::toNativeSeparators(m_recoveredFolder));
    }
    showError(tr("Open model"), tr("Could not load %1:\n%2\n\nThe current model stays loaded.%3")
                                    .arg(QDir::toNativeSeparators(path), message, note));
}

void MainWindow::requestGeneration() {
    if (!m_model) return;
    GenerationJob job;
    job.request.conditions = m_conditions->values();
    m_sampling->fillRequest(job.request);
    const SamplingOptions o = m_sampling->options();
    job.withLabels = o.labels;
    job.withReference = o.reference;
    job.modelSerial = m_awaitedSerial;
    if (m_pins.count() > 0) job.pins = m_pins.values();
    job.suggest = m_model->designSfarm;
    job.spreadTarget = m_conditions->spreadTarget();
    m_explore->requestGeneration(job);
    forwardConditionsToImages();
    m_requestTimes.insert(m_explore->requestsMade(), m_clock.nsecsElapsed());
}

void MainWindow::onGenerated(const GenerationOutput& output) {
    if (output.modelSerial != m_awaitedSerial) return;
    const qint64 requested = m_requestTimes.value(output.id, m_clock.nsecsElapsed());
    // Older ids were coalesced away and will never come back.
    for (auto it = m_requestTimes.begin(); it != m_requestTimes.end();)
        it = it.key() <= output.id ? m_requestTimes.erase(it) : std::next(it);
    if (!output.error.isEmpty()) {
        m_canvas->setMessage(output.error);
        m_latencyLabel->setText(tr("Generation failed"));
        return;
    }
    m_last = output;
    m_canvas->setDesigns(output.drawings, output.referenceDrawing);
    showKeypoints(output);
    if (m_model && m_model->designSfarm) m_conditions->setSuggestions(output.suggestions, output.designSpread);
    const double total = static_cast<double>(m_clock.nsecsElapsed() - requested) / 1e6;
    m_latencyLabel->setText(tr("%1 ms (engine %2 ms)").arg(total, 0, 'f', 1).arg(output.milliseconds, 0, 'f', 2));
    Q_EMIT designsShown(output);
}

void MainWindow::showKeypoints(const GenerationOutput& output) {
    m_canvas->setKeypoints(output.spread, m_pins.pinnedFlags(output.spread.size()));
}

bool MainWindow::exportTo(const QString& path, ExportFormat format) {
    try {
        if (format == ExportFormat::Png) {
            const qreal dpr = std::max<qreal>(2.0, m_canvas->devicePixelRatioF());
            const QImage image = m_canvas->renderImage(m_canvas->size() * dpr);
            if (!image.save(path, "PNG")) throw std::runtime_error(("cannot write " + path).toStdString());
            return true;
        }
        if (!m_last || !m_model) throw std::runtime_error("nothing generated yet");
        const std::string file = path.toStdString();
        switch (format) {
        case ExportFormat::Csv: writeDesignsCsv(m_model->schema, m_last->designs, {m_last->request.conditions}, file); break;
        case ExportFormat::Svg: writeSvg(m_last->drawings, file); break;
        case ExportFormat::Dxf: writeDxf(m_last->drawings, file, designUnit()); break;
        case ExportFormat::Png: break;
        }
        statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
        return true;
    } catch (const std::exception& e) {
        showError(tr("Export"), tr("Could not export to %1:\n%2").arg(QDir::toNativeSeparators(path), QString::fromStdString(e.what())));
        return false;
    }
}

namespace {
constexpr const char* kExportSuffixes[] = {"csv", "svg", "dxf", "png"};
}  // namespace

QString exportPathFor(const QString& chosen, ExportFormat format) {
    const QString wanted = QString::fromLatin1(kExportSuffixes[static_cast<int>(format)]);
    const QFileInfo info(chosen);
    const QString suffix = info.suffix();
    if (suffix.compare(wanted, Qt::CaseInsensitive) == 0) return chosen;
    for (const char* other : kExportSuffixes)
        if (suffix.compare(QLatin1String(other), Qt::CaseInsensitive) == 0)  // another format's extension: replace it
            return chosen.left(chosen.size() - suffix.size()) + wanted;
    return chosen + '.' + wanted;
}

void MainWindow::exportWithDialog(ExportFormat format) {
    const char* filters[] = {"CSV (*.csv)", "SVG (*.svg)", "DXF R12 (*.dxf)", "PNG (*.png)"};
    const char* const* suffixes = kExportSuffixes;
    const int i = static_cast<int>(format);
    const QString dir = m_settings.exportDir.isEmpty() ? QDir::homePath() : m_settings.exportDir;
    const QString name = m_model ? QString::fromStdString(m_model->name) : QStringLiteral("design");
    QString path = QFileDialog::getSaveFileName(this, tr("Export"), dir + '/' + name + '.' + suffixes[i], tr(filters[i]));
    if (path.isEmpty()) return;
    const QString chosen = path;
    path = exportPathFor(chosen, format);
    m_settings.exportDir = QFileInfo(path).absolutePath();
    saveSettings();
    if (exportTo(path, format) && path != chosen)
        statusBar()->showMessage(tr("Saved %1 (the extension follows the format: %2, not %3)")
                                     .arg(QDir::toNativeSeparators(path), QString::fromLatin1(suffixes[i]).toUpper(),
                                          QFileInfo(chosen).fileName()),
                                 8000);
}

void MainWindow::copyConditions() {
    if (!m_model) return;
    const QString text = QString::fromStdString(m_conditions->values().toText(m_model->schema));
    QApplication::clipboard()->setText(text.isEmpty() ? QStringLiteral("# all conditions unknown\n") : text);
    statusBar()->showMessage(tr("Conditions copied"), 3000);
}

bool MainWindow::pasteConditions(const QString& text) {
    if (!m_model) return false;
    std::vector<std::string> lines;
    for (const QString& l : splitLines(text))
        if (!l.startsWith('#')) lines.push_back(l.toStdString());
    try {
        m_conditions->setValues(parseConditionAssignments(m_model->schema, lines), tr("Paste conditions"));
        return true;
    } catch (const std::exception& e) {
        showError(tr("Paste conditions"), tr("The clipboard does not hold conditions for this model:\n%1\n\n"
                                             "Expected lines like NAME=VALUE, e.g. copied with Edit → Copy conditions.")
                                              .arg(QString::fromStdString(e.what())));
        return false;
    }
}

void MainWindow::showError(const QString& title, const QString& message) {
    statusBar()->showMessage(message.section('\n', 0, 0), 10000);
    if (m_interactive) QMessageBox::warning(this, title, message);
}

void MainWindow::rememberConditions() {
    if (!m_model) return;
    StudioSettings::setConditionsFor(QString::fromStdString(m_model->name),
                                     QString::fromStdString(m_conditions->values().toText(m_model->schema)));
}

void MainWindow::applyTheme(const QString& theme) {
    m_settings.theme = theme;
    saveSettings();
    for (QAction* a : m_themeGroup->actions()) a->setChecked(a->data().toString() == theme);
    applyStudioTheme(theme);
}

void MainWindow::restoreSettings() {
    StudioSettings defaults;
    defaults.sampling = m_sampling->options();
    m_settings = StudioSettings::load(defaults);
    // The live state first: applyTheme saves, and saving reads the window and the panels.
    SamplingOptions o = m_settings.sampling;
    o.latentOffset = m_sampling->options().latentOffset;
    m_sampling->setOptions(o);
    m_restoredLayout = restoreGeometry(m_settings.windowGeometry) && restoreState(m_settings.windowState);
    applyTheme(m_settings.theme);
    applyCadSettings();
    for (const QString& path : m_settings.recentModels)
        if (QFileInfo::exists(path)) addModelEntry(path);
}

void MainWindow::saveSettings() {
    m_settings.windowGeometry = saveGeometry();
    m_settings.windowState = saveState();
    m_settings.sampling = m_sampling->options();
    m_settings.save();
}

bool MainWindow::stopForClose(EngineWorker* engine, const QString& title, const QString& question) {
    if (!engine->isRunning()) return true;
    if (m_interactive && QMessageBox::question(this, title, question) != QMessageBox::Yes) return false;
    QEventLoop loop;
    connect(engine, &EngineWorker::jobEnded, &loop, &QEventLoop::quit);
    engine->cancel();
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    if (engine->isRunning()) loop.exec();
    return true;
}

void MainWindow::closeEvent(QCloseEvent* event) {
    const bool stopped =
        stopForClose(m_trainingPanel->tuneEngine(), tr("A settings search is running"),
                     tr("Find settings is still searching. Stop it and quit?\n\nThe best settings found so far are kept in the search folder.")) &&
        stopForClose(m_training, tr("Training is running"),
                     tr("A training run is in progress. Stop it and quit?\n\n"
                        "The run stops after the current step and keeps a usable checkpoint that you can resume later.")) &&
        stopForClose(m_imageTraining->engine(), tr("Image training is running"),
                     tr("An image model is training. Stop it and quit?\n\n"
                        "The run keeps a checkpoint of its last finished epoch that Resume continues.")) &&
        (!m_imagePanel->conceptDialog() ||
         stopForClose(m_imagePanel->conceptDialog()->engine(), tr("A concept is being learnt"),
                      tr("A concept is being learnt from a picture. Stop it and quit?\n\n"
                         "The model is saved with the concept as learnt so far.")));
    if (!stopped) {
        event->ignore();
        return;
    }
    rememberConditions();
    saveSettings();
    event->accept();
}

}  // namespace ms
