#pragma once
// The training dock: pick a CSV, review its schema, pick a preset and edit the settings and the
// sparsity schedule, then train, fine-tune the current model on new data, or resume a run.
// Runs live in run folders (settings, schema, log, curves, checkpoint); the trained model is
// offered to the studio as soon as it exists. Training runs on its own thread: exploring
// the current model goes on meanwhile.
#include <QWidget>

#include <optional>

#include "core/data/Schema.h"
#include "mcvae/TrainingConfig.h"
#include "ui/training/RunFolder.h"
#include "ui/workers/EngineTypes.h"

class QCheckBox;
class QComboBox;
class QFormLayout;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace ms {

class ScheduleEditor;
class SchemaEditor;
class TrainingEngine;
class TrainingMonitor;
class TuneEngine;
class TuneMonitor;

class TrainingPanel : public QWidget {
    Q_OBJECT
public:
    TrainingPanel(TrainingEngine* engine, QWidget* parent = nullptr);

    void setRunsRoot(const QString& root) { m_runsRoot = root; }
    void setInteractive(bool interactive) { m_interactive = interactive; }  // false: no dialogs (tests)
    void setCurrentModel(const QString& path, const Schema& schema);

    // Each returns false and says why (status line, and a dialog when interactive). setDataFile is
    // true when Train can start; a table with empty keypoint cells gives false with
    // schemaEditor()->canLearnFromGaps() true, and "Learn from incomplete designs" offered.
    bool setDataFile(const QString& path);
    void setPreset(const QString& name);
    void setEpochs(int epochs);
    void setFineTune(bool on);
    bool startTraining();
    // Trains a model learned from incomplete designs (.mpd) on the chosen CSV as it is; offered
    // when keypoint cells are empty (SchemaEditor::canLearnFromGaps).
    bool startPartialTraining();
    void setPartialUpdates(int64_t updates) { m_partialUpdates = updates; }  // 0: the data-size default (tests set fewer)
    void setPartialPriorUpdates(int64_t updates) { m_partialPriorUpdates = updates; }  // the learnt prior's (0: its default)
    // The partition of a model learned from incomplete designs: "auto", "keypoint", "iid" or "prior".
    void setPartition(const QString& context);
    QString partition() const;
    bool resumeRun(const QString& runDir);
    void cancelTraining();  // and a running settings search
    // "Find settings": a settings search on the chosen data within `minutes`; the best settings
    // become a preset, selected in the form when the search ends (or is cancelled).
    bool findSettings(double minutes);
    void setSearchTrials(int64_t trials) { m_searchTrials = trials; }  // > 0: a fixed count (tests)
    bool addPresetFile(const QString& path);  // a preset JSON from anywhere, selected

    bool isRunning() const;
    bool isSearching() const;
    TuneMonitor* tuneMonitor() const { return m_tuneMonitor; }
    TuneEngine* tuneEngine() const { return m_tune; }
    QString presetKey() const;
    api::TrainRequest requestFromForm() const;  // what Train would start now  // what loadPreset reads: a built-in name or a preset file's path
    std::optional<RunFolder> currentRun() const { return m_run; }
    TrainingMonitor* monitor() const { return m_monitor; }
    SchemaEditor* schemaEditor() const { return m_schema; }
    ScheduleEditor* scheduleEditor() const { return m_schedule; }

Q_SIGNALS:
    void modelTrained(const QString& path, const QString& name);
    void runningChanged(bool running);

private:
    void loadPresetSettings(const QString& name);
    void showSettingsForData();
    void updateButtons();
    bool fail(const QString& message);
    bool launch(const api::TrainRequest& request, const std::vector<EpochRecord>& earlier);
    void onProgress(const TrainingProgress& latest, const std::vector<EpochRecord>& records);
    void onFinished(const api::TrainRunOutcome& outcome);
    void onPartialFinished(const api::PartialTrainResult& result, const QString& modelPath);
    void onFailed(const QString& message);
    void onSearchFinished(const api::TuneOutcome& outcome);

    TrainingEngine* m_engine;
    TuneEngine* m_tune;
    int64_t m_searchTrials = 0;
    int64_t m_partialUpdates = 0;
    int64_t m_partialPriorUpdates = 0;
    int64_t m_dataRows = 0;
    mcvae::TrainingConfig m_presetTraining;
    QString m_searchBase;
    QString m_runsRoot;
    bool m_interactive = true;
    QString m_currentModelPath;
    Schema m_currentSchema;
    std::optional<RunFolder> m_run;
    QString m_runName;

    QLineEdit* m_dataPath;
    QCheckBox* m_fineTune;
    SchemaEditor* m_schema;
    QComboBox* m_preset;
    QSpinBox* m_epochs;
    QSpinBox* m_batch;
    QDoubleSpinBox* m_lr;
    QDoubleSpinBox* m_kl;
    QSpinBox* m_latent;
    QSpinBox* m_seed;
    ScheduleEditor* m_schedule;
    QPushButton* m_start;
    QPushButton* m_cancel;
    QPushButton* m_resume;
    QPushButton* m_learnPartial;
    QComboBox* m_partition;
    QFormLayout* m_form;
    QPushButton* m_find;
    QDoubleSpinBox* m_findMinutes;
    QTabWidget* m_tabs;
    TuneMonitor* m_tuneMonitor;
    QLabel* m_runLabel;
    TrainingMonitor* m_monitor;
};

}  // namespace ms
