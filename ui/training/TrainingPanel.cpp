#include "training/TrainingPanel.h"

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

#include "data/SchemaJson.h"
#include "engine/TrainingEngine.h"
#include "io/Preset.h"
#include "training/ScheduleEditor.h"
#include "training/SchemaEditor.h"
#include "training/TrainingMonitor.h"

namespace ms {

TrainingPanel::TrainingPanel(TrainingEngine* engine, QWidget* parent)
    : QWidget(parent), m_engine(engine), m_runsRoot(RunFolder::defaultRoot()) {
    auto* layout = new QVBoxLayout(this);
    auto* tabs = new QTabWidget(this);

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
    const QDir models(QString::fromStdString(modelsDirectory()));
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
    form->addRow(tr("Preset"), m_preset);
    form->addRow(tr("Epochs"), m_epochs);
    form->addRow(tr("Batch size"), m_batch);
    form->addRow(tr("Learning rate"), m_lr);
    form->addRow(tr("KL weight"), m_kl);
    form->addRow(tr("Latent dimensions"), m_latent);
    form->addRow(tr("Seed"), m_seed);
    form->addRow(m_schedule);
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
    layout->addWidget(tabs, 1);

    auto* buttons = new QHBoxLayout;
    m_start = new QPushButton(tr("Train"), this);
    m_start->setToolTip(tr("Start training with these data and settings (Ctrl+Return)"));
    m_start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setToolTip(tr("Stop after the current step; the last checkpoint stays usable"));
    m_resume = new QPushButton(tr("Resume run…"), this);
    auto* openFolder = new QPushButton(tr("Open runs folder"), this);
    buttons->addWidget(m_start);
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
    connect(m_preset, &QComboBox::textActivated, this, [this](const QString& name) { setPreset(name); });
    connect(m_schema, &SchemaEditor::schemaChanged, this, &TrainingPanel::updateButtons);
    connect(m_schedule, &ScheduleEditor::changed, this, &TrainingPanel::updateButtons);
    connect(m_start, &QPushButton::clicked, this, [this, tabs] {
        if (startTraining()) tabs->setCurrentIndex(2);  // show the curves
    });
    connect(m_cancel, &QPushButton::clicked, this, &TrainingPanel::cancelTraining);
    connect(m_resume, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Resume a run"), m_runsRoot);
        if (!dir.isEmpty()) resumeRun(dir);
    });
    connect(openFolder, &QPushButton::clicked, this, [this] {
        QDir().mkpath(m_runsRoot);
        QDesktopServices::openUrl(QUrl::fromLocalFile(m_run ? m_run->dir() : m_runsRoot));
    });
    connect(m_engine, &TrainingEngine::progressed, this, &TrainingPanel::onProgress);
    connect(m_engine, &TrainingEngine::finished, this, &TrainingPanel::onFinished);
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
            overrides = loadPreset(m_preset->currentText().toStdString()).columns;
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
    } catch (const std::exception& e) {
        m_schema->clear();
        updateButtons();
        return fail(tr("Cannot read the training data: %1").arg(QString::fromStdString(e.what())));
    }
    updateButtons();
    return m_schema->isValid();
}

void TrainingPanel::setPreset(const QString& name) {
    {
        const QSignalBlocker block(m_preset);
        m_preset->setCurrentText(name);
    }
    loadPresetSettings(name);
    if (!m_dataPath->text().isEmpty() && !m_fineTune->isChecked()) setDataFile(m_dataPath->text());
}

void TrainingPanel::loadPresetSettings(const QString& name) {
    try {
        const Preset p = loadPreset(name.toStdString());
        m_epochs->setValue(static_cast<int>(p.training.epochs));
        m_batch->setValue(static_cast<int>(p.training.batchSize));
        m_lr->setValue(p.training.adamw.lr);
        m_kl->setValue(p.training.klWeight);
        m_latent->setValue(static_cast<int>(p.architecture.latentDim));
        m_seed->setValue(static_cast<int>(p.training.seed));
        m_schedule->setSchedule(p.training.sparsity);
    } catch (const std::exception& e) {
        fail(tr("Preset %1: %2").arg(name, QString::fromStdString(e.what())));
    }
}

void TrainingPanel::setEpochs(int epochs) { m_epochs->setValue(epochs); }

void TrainingPanel::setFineTune(bool on) { m_fineTune->setChecked(on); }

bool TrainingPanel::isRunning() const { return m_engine->isRunning(); }

void TrainingPanel::updateButtons() {
    const bool running = m_engine->isRunning();
    const bool canFineTune = !m_currentModelPath.isEmpty();
    if (!canFineTune && m_fineTune->isChecked()) m_fineTune->setChecked(false);
    m_fineTune->setEnabled(canFineTune && !running);
    m_latent->setEnabled(!m_fineTune->isChecked());
    m_start->setEnabled(!running && m_schema->isValid() && m_schedule->isValid());
    m_cancel->setEnabled(running);
    m_resume->setEnabled(!running);
    m_start->setText(m_fineTune->isChecked() ? tr("Fine-tune") : tr("Train"));
}

TrainRequest TrainingPanel::requestFromForm() const {
    TrainRequest r;
    r.dataPath = QFileInfo(m_dataPath->text()).absoluteFilePath().toStdString();
    r.preset = m_preset->currentText().toStdString();
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

bool TrainingPanel::startTraining() {
    if (m_engine->isRunning()) return fail(tr("A run is already going; cancel it first."));
    if (!m_schema->isValid()) return fail(m_schema->problem().isEmpty() ? tr("Choose a training CSV first.") : m_schema->problem());
    if (!m_schedule->isValid()) return fail(tr("The sparsity schedule is not valid: %1")
                                                .arg(QString::fromStdString(m_schedule->schedule().validate())));
    TrainRequest request = requestFromForm();
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
    return launch(request, {});
}

bool TrainingPanel::resumeRun(const QString& runDir) {
    if (m_engine->isRunning()) return fail(tr("A run is already going; cancel it first."));
    try {
        RunFolder run = RunFolder::open(runDir);
        TrainRequest request = run.readRequest();
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

bool TrainingPanel::launch(const TrainRequest& request, const std::vector<EpochRecord>& earlier) {
    m_monitor->start(request.epochs.value_or(0), earlier);
    m_runLabel->setText(tr("Run folder: %1").arg(QDir::toNativeSeparators(m_run->dir())));
    if (!m_engine->start(request)) return fail(tr("A run is already going; cancel it first."));
    updateButtons();
    Q_EMIT runningChanged(true);
    return true;
}

void TrainingPanel::cancelTraining() {
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

void TrainingPanel::onFinished(const TrainRunOutcome& outcome) {
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
