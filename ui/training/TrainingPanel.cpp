#include "ui/training/TrainingPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTabWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "core/data/SchemaJson.h"
#include "mcvae/Preset.h"
#include "ui/training/ScheduleEditor.h"
#include "ui/training/SchemaEditor.h"
#include "ui/training/TrainingMonitor.h"
#include "ui/training/TuneMonitor.h"
#include "ui/workers/TrainingEngine.h"
#include "ui/workers/TuneEngine.h"

namespace ms {

TrainingPanel::TrainingPanel(TrainingEngine* engine, QWidget* parent)
    : QWidget(parent), m_engine(engine), m_tune(new TuneEngine(this)), m_runsRoot(RunFolder::defaultRoot()) {
    auto* layout = new QVBoxLayout(this);
    auto* tabs = new QTabWidget(this);
    m_tabs = tabs;

    // Data
    auto* data = new QWidget(tabs);
    auto* dataLayout = new QVBoxLayout(data);
    auto* pathRow = new QHBoxLayout;
    m_dataPath = new QLineEdit(data);
    m_dataPath->setPlaceholderText(tr("training CSV"));
    auto* browse = new QPushButton(tr("Browse…"), data);
    pathRow->addWidget(m_dataPath, 1);
    pathRow->addWidget(browse);
    m_fineTune = new QCheckBox(tr("Fine-tune the current model (same columns, short run)"), data);
    m_schema = new SchemaEditor(data);
    dataLayout->addLayout(pathRow);
    dataLayout->addWidget(m_fineTune);
    dataLayout->addWidget(m_schema, 1);
    tabs->addTab(data, tr("Data"));

    // Settings
    auto* settings = new QWidget(tabs);
    auto* form = new QFormLayout(settings);
    m_preset = new QComboBox(settings);
    m_preset->addItem(QStringLiteral("default"));
    const QDir models(QString::fromStdString(mcvae::modelsDirectory()));
    for (const QString& f : models.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
        m_preset->addItem(QFileInfo(f).completeBaseName());
    m_preset->setToolTip(tr("Architecture and training settings to start from"));
    m_epochs = new QSpinBox(settings);
    m_epochs->setRange(1, 100000);
    m_batch = new QSpinBox(settings);
    m_batch->setRange(1, 65536);
    m_lr = new QDoubleSpinBox(settings);
    m_lr->setDecimals(6);
    m_lr->setRange(1e-6, 1.0);
    m_lr->setSingleStep(1e-4);
    m_kl = new QDoubleSpinBox(settings);
    m_kl->setRange(0.0, 1.0);
    m_kl->setDecimals(3);
    m_kl->setSingleStep(0.05);
    m_kl->setToolTip(tr("b in (1 − b)·reconstruction + b·KL"));
    m_latent = new QSpinBox(settings);
    m_latent->setRange(1, 256);
    m_seed = new QSpinBox(settings);
    m_seed->setRange(0, 1000000000);
    m_seed->setToolTip(tr("Seeds the train/validation split and the training: same seed, same model"));
    m_schedule = new ScheduleEditor(settings);
    auto* presetRow = new QHBoxLayout;
    auto* openPreset = new QPushButton(tr("Open…"), settings);
    openPreset->setToolTip(tr("Use a preset file, e.g. one written by Find settings or maskstudio-cli tune"));
    presetRow->addWidget(m_preset, 1);
    presetRow->addWidget(openPreset);
    auto* findRow = new QHBoxLayout;
    m_findMinutes = new QDoubleSpinBox(settings);
    m_findMinutes->setRange(0.5, 600.0);
    m_findMinutes->setDecimals(1);
    m_findMinutes->setValue(10.0);
    m_findMinutes->setSuffix(tr(" min"));
    m_findMinutes->setToolTip(tr("Time for the search (both cores)"));
    m_find = new QPushButton(tr("Find settings"), settings);
    m_find->setToolTip(tr("Try many settings on parts of the training data (never on the held-out test rows), "
                          "keep the best as a preset and select it"));
    findRow->addWidget(m_findMinutes);
    findRow->addWidget(m_find, 1);
    form->addRow(tr("Preset"), presetRow);
    form->addRow(tr("Epochs"), m_epochs);
    form->addRow(tr("Batch size"), m_batch);
    form->addRow(tr("Learning rate"), m_lr);
    form->addRow(tr("KL weight"), m_kl);
    form->addRow(tr("Latent dimensions"), m_latent);
    form->addRow(tr("Seed"), m_seed);
    form->addRow(m_schedule);
    form->addRow(tr("Search"), findRow);
    m_partition = new QComboBox(settings);
    m_partition->addItem(tr("Automatic"), QStringLiteral("auto"));
    m_partition->addItem(tr("Whole keypoints"), QStringLiteral("keypoint"));
    m_partition->addItem(tr("Single cells"), QStringLiteral("iid"));
    m_partition->addItem(tr("Learnt prior over the gaps"), QStringLiteral("prior"));
    m_partition->setToolTip(tr("Learning from incomplete designs hides some of each row's known cells and learns to fill them. "
                               "Automatic: hide whole keypoints at random, or, when some keypoints go missing together in "
                               "the data, hide what a prior learnt over the rows' gaps hides (about a minute more)."));
    form->addRow(tr("Partition"), m_partition);
    m_form = form;
    tabs->addTab(settings, tr("Settings"));

    // Run
    auto* run = new QWidget(tabs);
    auto* runLayout = new QVBoxLayout(run);
    m_runLabel = new QLabel(tr("Runs are kept in %1").arg(QDir::toNativeSeparators(m_runsRoot)), run);
    m_runLabel->setWordWrap(true);
    m_runLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_monitor = new TrainingMonitor(run);
    runLayout->addWidget(m_runLabel);
    runLayout->addWidget(m_monitor, 1);
    tabs->addTab(run, tr("Run"));
    m_tuneMonitor = new TuneMonitor(tabs);
    tabs->addTab(m_tuneMonitor, tr("Search"));
    layout->addWidget(tabs, 1);

    auto* buttons = new QHBoxLayout;
    m_start = new QPushButton(tr("Train"), this);
    m_start->setToolTip(tr("Start training with these data and settings (Ctrl+Return)"));
    m_start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setToolTip(tr("Stop after the current step; the last checkpoint stays usable"));
    m_resume = new QPushButton(tr("Resume run…"), this);
    m_learnPartial = new QPushButton(tr("Learn from incomplete designs"), this);
    m_learnPartial->setToolTip(tr("Train a model on the rows as they are: it never needs a complete design, "
                                  "and it completes missing keypoints, conditions and pins in the studio"));
    m_learnPartial->setVisible(false);
    auto* openFolder = new QPushButton(tr("Open runs folder"), this);
    buttons->addWidget(m_start);
    buttons->addWidget(m_learnPartial);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_resume);
    buttons->addStretch(1);
    buttons->addWidget(openFolder);
    layout->addLayout(buttons);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Training data"), m_dataPath->text(),
                                                          tr("CSV files (*.csv);;All files (*)"));
        if (!path.isEmpty()) setDataFile(path);
    });
    connect(m_dataPath, &QLineEdit::editingFinished, this, [this] {
        if (!m_dataPath->text().isEmpty()) setDataFile(m_dataPath->text());
    });
    connect(m_fineTune, &QCheckBox::toggled, this, [this] {
        if (!m_dataPath->text().isEmpty()) setDataFile(m_dataPath->text());
        updateButtons();
    });
    connect(m_preset, qOverload<int>(&QComboBox::activated), this, [this](int) {
        loadPresetSettings(presetKey());
        if (!m_dataPath->text().isEmpty() && !m_fineTune->isChecked()) setDataFile(m_dataPath->text());
    });
    connect(m_schema, &SchemaEditor::schemaChanged, this, &TrainingPanel::updateButtons);
    connect(m_schedule, &ScheduleEditor::changed, this, &TrainingPanel::updateButtons);
    connect(m_start, &QPushButton::clicked, this, [this] { startTraining(); });
    connect(m_learnPartial, &QPushButton::clicked, this, [this] { startPartialTraining(); });
    connect(m_cancel, &QPushButton::clicked, this, &TrainingPanel::cancelTraining);
    connect(m_resume, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Resume a run"), m_runsRoot);
        if (!dir.isEmpty()) resumeRun(dir);
    });
    connect(openFolder, &QPushButton::clicked, this, [this] {
        QDir().mkpath(m_runsRoot);
        QDesktopServices::openUrl(QUrl::fromLocalFile(m_run ? m_run->dir() : m_runsRoot));
    });
    connect(openPreset, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Preset"), m_runsRoot, tr("Presets (*.json);;All files (*)"));
        if (!path.isEmpty()) addPresetFile(path);
    });
    connect(m_find, &QPushButton::clicked, this, [this] { findSettings(m_findMinutes->value()); });
    connect(m_tune, &TuneEngine::reported, m_tuneMonitor, &TuneMonitor::addReport);
    connect(m_tune, &TuneEngine::finished, this, &TrainingPanel::onSearchFinished);
    connect(m_tune, &TuneEngine::failed, this, [this](const QString& message) {
        updateButtons();
        m_tuneMonitor->showFailure(tr("The search stopped: %1").arg(message));
        fail(tr("The settings search stopped: %1").arg(message));
    });
    connect(m_engine, &TrainingEngine::progressed, this, &TrainingPanel::onProgress);
    connect(m_engine, &TrainingEngine::finished, this, &TrainingPanel::onFinished);
    connect(m_engine, &TrainingEngine::partialFinished, this, &TrainingPanel::onPartialFinished);
    connect(m_engine, &TrainingEngine::partitionChosen, this, [this](const api::GapPreview& preview) {
        m_monitor->showGapPreview(preview);
        if (m_run) {
            try {
                m_run->appendLog(QStringLiteral("contexts: %1").arg(QString::fromStdString(preview.context)));
            } catch (const std::exception&) {
                // the log is a convenience
            }
        }
    });
    connect(m_engine, &TrainingEngine::failed, this, &TrainingPanel::onFailed);

    setPreset(QStringLiteral("default"));
}

void TrainingPanel::setCurrentModel(const QString& path, const Schema& schema) {
    m_currentModelPath = path;
    m_currentSchema = schema;
    updateButtons();
}

bool TrainingPanel::fail(const QString& message) {
    m_monitor->showFailure(message);
    if (m_interactive) QMessageBox::warning(this, tr("Training"), message);
    return false;
}

bool TrainingPanel::setDataFile(const QString& path) {
    {
        const QSignalBlocker block(m_dataPath);
        m_dataPath->setText(path);
    }
    try {
        const CsvTable table = readCsvFile(path.toStdString());
        std::map<std::string, ColumnOverride> overrides;
        if (!m_fineTune->isChecked()) {
            overrides = mcvae::loadPreset(presetKey().toStdString()).columns;
        } else {
            // Fine-tuning: the model's schema decides the roles of the columns it knows.
            for (const KeypointSpec& k : m_currentSchema.keypoints) {
                overrides[k.xColumn] = {ColumnRole::KeypointX, k.name};
                overrides[k.yColumn] = {ColumnRole::KeypointY, k.name};
            }
            for (const OutputSpec& o : m_currentSchema.outputs) overrides[o.column] = {ColumnRole::Output};
            for (const CategoricalSpec& c : m_currentSchema.categorical) overrides[c.column] = {ColumnRole::Categorical};
            for (const NumericalSpec& n : m_currentSchema.numerical) overrides[n.column] = {ColumnRole::Numerical};
        }
        m_schema->setTable(table, overrides);
        m_dataRows = static_cast<int64_t>(table.rows.size());
        showSettingsForData();
    } catch (const std::exception& e) {
        m_schema->clear();
        updateButtons();
        return fail(tr("Cannot read the training data: %1").arg(QString::fromStdString(e.what())));
    }
    updateButtons();
    return m_schema->isValid();
}

QString TrainingPanel::presetKey() const {
    const QString path = m_preset->currentData().toString();
    return path.isEmpty() ? m_preset->currentText() : path;
}

bool TrainingPanel::addPresetFile(const QString& path) {
    try {
        const mcvae::Preset p = mcvae::loadPreset(path.toStdString());
        const QString name = QString::fromStdString(p.name);
        int index = m_preset->findData(path);
        if (index < 0) {
            m_preset->addItem(name, path);
            index = m_preset->count() - 1;
        }
        m_preset->setItemData(index, QString::fromStdString(p.description), Qt::ToolTipRole);
        {
            const QSignalBlocker block(m_preset);
            m_preset->setCurrentIndex(index);
        }
        loadPresetSettings(path);
        if (!m_dataPath->text().isEmpty() && !m_fineTune->isChecked()) setDataFile(m_dataPath->text());
        return true;
    } catch (const std::exception& e) {
        return fail(tr("Cannot use the preset %1: %2").arg(path, QString::fromStdString(e.what())));
    }
}

void TrainingPanel::setPreset(const QString& name) {
    {
        const QSignalBlocker block(m_preset);
        const int index = m_preset->findText(name);
        if (index >= 0) m_preset->setCurrentIndex(index);
        else m_preset->setCurrentText(name);
    }
    loadPresetSettings(presetKey());
    if (!m_dataPath->text().isEmpty() && !m_fineTune->isChecked()) setDataFile(m_dataPath->text());
}

void TrainingPanel::showSettingsForData() {
    if (m_presetTraining.updates <= 0 || m_dataRows <= 0 || m_fineTune->isChecked()) return;
    // A preset with an update budget (the default) sizes batch and epochs by the training rows.
    mcvae::TrainingConfig t = m_presetTraining;
    t.scaleToRows(m_dataRows - static_cast<int64_t>(std::floor(t.testFraction * static_cast<double>(m_dataRows))));
    m_epochs->setValue(static_cast<int>(t.epochs));
    m_batch->setValue(static_cast<int>(t.batchSize));
    m_epochs->setToolTip(tr("%1 updates for %2 rows of data").arg(t.updates).arg(m_dataRows));
}

void TrainingPanel::loadPresetSettings(const QString& name) {
    try {
        const mcvae::Preset p = mcvae::loadPreset(name.toStdString());
        m_presetTraining = p.training;
        m_epochs->setToolTip(QString());
        m_epochs->setValue(static_cast<int>(p.training.epochs));
        m_batch->setValue(static_cast<int>(p.training.batchSize));
        m_lr->setValue(p.training.adamw.lr);
        m_kl->setValue(p.training.klWeight);
        m_latent->setValue(static_cast<int>(p.architecture.latentDim));
        m_seed->setValue(static_cast<int>(p.training.seed));
        m_schedule->setSchedule(p.training.sparsity);
        showSettingsForData();
    } catch (const std::exception& e) {
        fail(tr("Preset %1: %2").arg(name, QString::fromStdString(e.what())));
    }
}

void TrainingPanel::setEpochs(int epochs) { m_epochs->setValue(epochs); }

void TrainingPanel::setFineTune(bool on) { m_fineTune->setChecked(on); }

void TrainingPanel::setPartition(const QString& context) {
    const int index = m_partition->findData(context);
    if (index >= 0) m_partition->setCurrentIndex(index);
}

QString TrainingPanel::partition() const { return m_partition->currentData().toString(); }

bool TrainingPanel::isRunning() const { return m_engine->isRunning(); }

bool TrainingPanel::isSearching() const { return m_tune->isRunning(); }

void TrainingPanel::updateButtons() {
    const bool searching = m_tune->isRunning();
    const bool running = m_engine->isRunning() || searching;
    // A model learned from incomplete designs (.mpd) is not an mcVAE to fine-tune.
    const bool canFineTune = !m_currentModelPath.isEmpty() && !m_currentModelPath.endsWith(QLatin1String(".mpd"));
    if (!canFineTune && m_fineTune->isChecked()) m_fineTune->setChecked(false);
    m_fineTune->setEnabled(canFineTune && !running);
    m_latent->setEnabled(!m_fineTune->isChecked());
    m_start->setEnabled(!running && m_schema->isValid() && m_schedule->isValid());
    m_learnPartial->setVisible(m_schema->canLearnFromGaps() && !m_fineTune->isChecked());
    m_form->setRowVisible(m_partition, m_schema->canLearnFromGaps() && !m_fineTune->isChecked());
    m_partition->setEnabled(!running);
    m_learnPartial->setEnabled(!running);
    m_cancel->setEnabled(running);
    m_resume->setEnabled(!running);
    m_find->setEnabled(!running && !m_fineTune->isChecked() && m_schema->isValid());
    m_find->setText(searching ? tr("Searching…") : tr("Find settings"));
    m_start->setText(m_fineTune->isChecked() ? tr("Fine-tune") : tr("Train"));
}

api::TrainRequest TrainingPanel::requestFromForm() const {
    api::TrainRequest r;
    r.dataPath = QFileInfo(m_dataPath->text()).absoluteFilePath().toStdString();
    r.preset = presetKey().toStdString();
    r.epochs = m_epochs->value();
    r.batchSize = m_batch->value();
    r.learningRate = m_lr->value();
    r.klWeight = m_kl->value();
    r.seed = static_cast<uint64_t>(m_seed->value());
    r.sparsity = m_schedule->schedule();
    if (m_fineTune->isChecked()) r.fineTuneFrom = m_currentModelPath.toStdString();
    else r.latentDim = m_latent->value();
    return r;
}

bool TrainingPanel::findSettings(double minutes) {
    if (m_engine->isRunning() || m_tune->isRunning()) return fail(tr("A run or search is already going; cancel it first."));
    if (m_fineTune->isChecked()) return fail(tr("Find settings searches for a new model; untick fine-tuning first."));
    if (!m_schema->isValid()) return fail(m_schema->problem().isEmpty() ? tr("Choose a training CSV first.") : m_schema->problem());
    api::TuneRequest request;
    request.dataPath = QFileInfo(m_dataPath->text()).absoluteFilePath().toStdString();
    request.preset = presetKey().toStdString();
    request.splitSeed = static_cast<uint64_t>(m_seed->value());
    request.settings.budgetSeconds = m_searchTrials > 0 ? 0.0 : 60.0 * minutes;
    request.settings.trials = m_searchTrials;
    const QString name = QFileInfo(m_dataPath->text()).completeBaseName() + QStringLiteral("-search");
    try {
        RunFolder run = RunFolder::create(m_runsRoot, name);
        saveSchemaFile(m_schema->schema(), run.schemaPath().toStdString());
        request.schemaPath = run.schemaPath().toStdString();
        request.outPath = QDir(run.dir()).filePath(QStringLiteral("preset.json")).toStdString();
        run.appendLog(QStringLiteral("settings search: %1, %2 min").arg(QString::fromStdString(request.dataPath)).arg(minutes));
        m_runLabel->setText(tr("Search folder: %1").arg(QDir::toNativeSeparators(run.dir())));
    } catch (const std::exception& e) {
        return fail(tr("Cannot set up the search: %1").arg(QString::fromStdString(e.what())));
    }
    m_searchBase = m_preset->currentText();
    m_tuneMonitor->start(request.settings.budgetSeconds);
    if (!m_tune->start(request)) return fail(tr("A search is already going."));
    m_tabs->setCurrentWidget(m_tuneMonitor);
    updateButtons();
    return true;
}

void TrainingPanel::onSearchFinished(const api::TuneOutcome& outcome) {
    m_tuneMonitor->showOutcome(outcome, m_searchBase);
    updateButtons();
    if (!outcome.presetPath.empty()) addPresetFile(QString::fromStdString(outcome.presetPath));
}

bool TrainingPanel::startTraining() {
    if (m_engine->isRunning() || m_tune->isRunning()) return fail(tr("A run or search is already going; cancel it first."));
    if (!m_schema->isValid()) return fail(m_schema->problem().isEmpty() ? tr("Choose a training CSV first.") : m_schema->problem());
    if (!m_schedule->isValid()) return fail(tr("The sparsity schedule is not valid: %1")
                                                .arg(QString::fromStdString(m_schedule->schedule().validate())));
    api::TrainRequest request = requestFromForm();
    const QString name = m_fineTune->isChecked() ? QFileInfo(m_currentModelPath).completeBaseName() + QStringLiteral("-finetuned")
                                                 : QFileInfo(m_dataPath->text()).completeBaseName();
    try {
        RunFolder run = RunFolder::create(m_runsRoot, name);
        if (request.fineTuneFrom.empty()) {
            saveSchemaFile(m_schema->schema(), run.schemaPath().toStdString());
            request.schemaPath = run.schemaPath().toStdString();
        }
        request.outPath = run.modelPath().toStdString();
        run.writeRequest(request);
        run.appendLog(QStringLiteral("start: %1").arg(QString::fromStdString(request.dataPath)));
        m_run = run;
    } catch (const std::exception& e) {
        return fail(tr("Cannot set up the run: %1").arg(QString::fromStdString(e.what())));
    }
    m_runName = name;
    if (!launch(request, {})) return false;
    m_tabs->setCurrentIndex(2);  // the Run tab: the curves
    return true;
}

bool TrainingPanel::startPartialTraining() {
    if (m_engine->isRunning() || m_tune->isRunning()) return fail(tr("A run or search is already going; cancel it first."));
    if (!m_schema->canLearnFromGaps())
        return fail(m_schema->problem().isEmpty() ? tr("Choose a training CSV with keypoint columns first.") : m_schema->problem());
    const QString name = QFileInfo(m_dataPath->text()).completeBaseName() + QStringLiteral("-incomplete");
    api::PartialTrainRequest request;
    request.dataPath = QFileInfo(m_dataPath->text()).absoluteFilePath().toStdString();
    request.seed = static_cast<uint64_t>(m_seed->value());
    request.updates = m_partialUpdates;
    request.context = partition().toStdString();
    request.priorUpdates = m_partialPriorUpdates;
    try {
        RunFolder run = RunFolder::create(m_runsRoot, name);
        saveSchemaFile(m_schema->schema(), run.schemaPath().toStdString());
        request.schemaPath = run.schemaPath().toStdString();
        request.outPath = run.partialModelPath().toStdString();
        run.appendLog(QStringLiteral("start learning from incomplete designs: %1 (%2 of %3 rows with missing cells)")
                          .arg(QString::fromStdString(request.dataPath))
                          .arg(m_schema->gaps().rowsWithGaps)
                          .arg(m_schema->gaps().rows));
        m_run = run;
    } catch (const std::exception& e) {
        return fail(tr("Cannot set up the run: %1").arg(QString::fromStdString(e.what())));
    }
    m_runName = name;
    const int64_t rows = m_schema->gaps().rows;
    m_monitor->startPartial(api::partialTrainingEpochs(rows, request), request.context == "auto" || request.context == "prior");
    m_runLabel->setText(tr("Run folder: %1").arg(QDir::toNativeSeparators(m_run->dir())));
    if (!m_engine->startPartial(request, rows)) return fail(tr("A run is already going; cancel it first."));
    updateButtons();
    m_tabs->setCurrentIndex(2);  // the Run tab: the curves
    Q_EMIT runningChanged(true);
    return true;
}

void TrainingPanel::onPartialFinished(const api::PartialTrainResult& result, const QString& modelPath) {
    m_monitor->showPartialOutcome(result);
    if (m_run) {
        try {
            m_run->appendLog(QStringLiteral("learned from %1 incomplete designs in %2 s (%3 updates, final loss %4)")
                                 .arg(result.rows)
                                 .arg(result.seconds, 0, 'f', 1)
                                 .arg(result.updates)
                                 .arg(result.finalLoss, 0, 'f', 4));
        } catch (const std::exception&) {
            // The log is a convenience; the model file is what matters.
        }
    }
    updateButtons();
    Q_EMIT runningChanged(false);
    Q_EMIT modelTrained(modelPath, m_runName);
}

bool TrainingPanel::resumeRun(const QString& runDir) {
    if (m_engine->isRunning()) return fail(tr("A run is already going; cancel it first."));
    try {
        RunFolder run = RunFolder::open(runDir);
        api::TrainRequest request = run.readRequest();
        if (!QFileInfo::exists(run.modelPath()))
            return fail(tr("%1 has no checkpoint yet (model.msm); start it again instead.").arg(runDir));
        request.resumeFrom = request.outPath = run.modelPath().toStdString();
        request.fineTuneFrom.clear();
        // Raising the epochs in the settings continues a finished run further.
        request.epochs = std::max<int64_t>(request.epochs.value_or(0), m_epochs->value());
        run.appendLog(QStringLiteral("resume to %1 epochs").arg(*request.epochs));
        m_run = run;
        m_runName = QFileInfo(runDir).fileName();
        return launch(request, {});
    } catch (const std::exception& e) {
        return fail(tr("Cannot resume %1: %2").arg(runDir, QString::fromStdString(e.what())));
    }
}

bool TrainingPanel::launch(const api::TrainRequest& request, const std::vector<EpochRecord>& earlier) {
    m_monitor->start(request.epochs.value_or(0), earlier);
    m_runLabel->setText(tr("Run folder: %1").arg(QDir::toNativeSeparators(m_run->dir())));
    if (!m_engine->start(request)) return fail(tr("A run is already going; cancel it first."));
    updateButtons();
    Q_EMIT runningChanged(true);
    return true;
}

void TrainingPanel::cancelTraining() {
    if (m_tune->isRunning()) {
        m_tune->cancel();
        m_tuneMonitor->showFailure(tr("Stopping the search; the best settings so far are kept…"));
    }
    if (!m_engine->isRunning()) return;
    m_engine->cancel();
    m_monitor->showFailure(tr("Cancelling after the current step…"));
}

void TrainingPanel::onProgress(const TrainingProgress& latest, const std::vector<EpochRecord>& records) {
    m_monitor->addProgress(latest, records);
    if (!m_run) return;
    try {
        m_run->appendCurves(records);
    } catch (const std::exception& e) {
        m_monitor->showFailure(QString::fromStdString(e.what()));
    }
}

void TrainingPanel::onFinished(const api::TrainRunOutcome& outcome) {
    m_monitor->showOutcome(outcome);
    if (m_run) {
        try {
            m_run->appendLog(outcome.cancelled ? QStringLiteral("cancelled after %1 epochs").arg(outcome.completedEpochs)
                                               : QStringLiteral("finished %1 epochs in %2 s, held-out mean MSE %3")
                                                     .arg(outcome.completedEpochs)
                                                     .arg(outcome.seconds, 0, 'f', 1)
                                                     .arg(outcome.meanMseZ0, 0, 'f', 4));
        } catch (const std::exception&) {
            // The log is a convenience; the model file is what matters.
        }
    }
    updateButtons();
    Q_EMIT runningChanged(false);
    if (outcome.completedEpochs > 0)
        Q_EMIT modelTrained(QString::fromStdString(outcome.bundlePath), m_runName);
}

void TrainingPanel::onFailed(const QString& message) {
    if (m_run) {
        try {
            m_run->appendLog(QStringLiteral("failed: %1").arg(message));
        } catch (const std::exception&) {
        }
    }
    updateButtons();
    Q_EMIT runningChanged(false);
    QString text = tr("Training stopped: %1").arg(message);
    if (m_run) {
        text += QStringLiteral("\n\n") + tr("Your settings and schema are kept in %1.").arg(QDir::toNativeSeparators(m_run->dir()));
        if (QFileInfo::exists(m_run->modelPath()))
            text += ' ' + tr("The last checkpoint (model.msm) is readable and can be resumed.");
    }
    fail(text);
}

}  // namespace ms
