#pragma once
// The studio's main window: model switcher, condition panel, sampling options, the live design
// canvas, the training dock, exports and the status bar (device, model, generation latency).
// All model work happens on the engine threads; this class only sends requests and draws.
#include <QElapsedTimer>
#include <QHash>
#include <QMainWindow>

#include <map>
#include <optional>

#include "core/geometry/LengthUnit.h"
#include "ui/window/KeypointPins.h"
#include "ui/window/StudioSettings.h"
#include "ui/window/WorkingState.h"
#include "ui/workers/EngineTypes.h"
#include "ui/workers/EngineWorker.h"

class QActionGroup;
class QComboBox;
class QLabel;
class QMenu;

namespace ms {

class Autosaver;
class ConditionPanel;
class DesignCanvas;
class ExploreEngine;
class ImagePanel;
class ImageTrainingPanel;
class SamplingPanel;
class TrainingEngine;
class TrainingPanel;

enum class ExportFormat { Csv, Svg, Dxf, Png };

// The file an export in `format` writes when the user chose `chosen`: the extension follows the
// format (a.svg saved as DXF becomes a.dxf; a name without one, or with an unrelated one such as
// a.v2, gets the format's appended; the format's own extension in any case is kept).
QString exportPathFor(const QString& chosen, ExportFormat format);

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void setInteractive(bool interactive);  // false: no dialogs (tests, headless rendering)
    // Whether the window and docks came from a previous session (false: the first launch).
    bool restoredLayout() const { return m_restoredLayout; }
    // The last model of the previous session, else the built-in bike, else any model found.
    bool openStartupModel();
    // Adds the model to the switcher (if new) and loads it. Returns false for a missing file.
    bool openModel(const QString& path);
    // The last image model when it still exists, else the built-in one (models/bike.msi), in the
    // Image dock, and one image generated with it; false when there is neither.
    bool openStartupImageModel();
    void openImageModel(const QString& path);  // in the Image dock, which shows
    void showTrainingDock();
    bool exportTo(const QString& path, ExportFormat format);
    void copyConditions();
    bool pasteConditions(const QString& text);

    ConditionPanel* conditionPanel() const { return m_conditions; }
    SamplingPanel* samplingPanel() const { return m_sampling; }
    DesignCanvas* canvas() const { return m_canvas; }
    TrainingPanel* trainingPanel() const { return m_trainingPanel; }
    ImagePanel* imagePanel() const { return m_imagePanel; }
    ImageTrainingPanel* imageTrainingPanel() const { return m_imageTraining; }
    ExploreEngine* exploreEngine() const { return m_explore; }
    const std::optional<GenerationOutput>& lastOutput() const { return m_last; }
    const std::optional<api::ModelInfo>& currentModel() const { return m_model; }
    QStringList modelPaths() const;
    // The switcher's name for a model (ModelNaming: the user's, else data and date for a trained
    // one); renameModel gives it a name of the user's (empty: back to that); false if not listed.
    QString modelLabelAt(const QString& path) const;
    bool renameModel(const QString& path, const QString& name);
    // Pinned keypoints (design units; the design SFARM completes the rest). pinKeypoint returns
    // false (and says why in the status bar) when the model has no design SFARM. Every pin edit is
    // a step of the design's undo history (the condition panel's stack); one drag is one step.
    // drag: the serial of the handle drag a move belongs to (its moves merge); -1 = a step of its own.
    bool pinKeypoint(int keypoint, double x, double y, int drag = -1);
    void unpinKeypoint(int keypoint);
    void clearPins();
    int pinnedKeypointCount() const { return m_pins.count(); }
    // Trains the current model's design SFARM in the background, generations going on (enabled
    // when it has none but has its training designs beside it; automatic for a model trained in
    // the Training dock); returns false when that is not possible.
    bool trainDesignSfarm(int epochs = 400);
    const std::vector<double>& pins() const { return m_pins.values(); }
    // The unit the design's numbers are in (View → Design units): the scale bar's and the DXF's.
    LengthUnit designUnit() const;

    // Crash recovery (MainWindowRecovery.cpp, CrashRecovery.h). The working state (models,
    // conditions, pins, the Image dock's work); putting one back: its models are opened (or the
    // start-up ones where it has none), its conditions, pins and image work applied once they
    // have loaded, then recoveryRestored(); `folder` (its autosave) is removed after this
    // session's next autosave, and kept when a part could not be restored.
    WorkingState workingState() const;
    void restoreWorkingState(const WorkingState& state, const QString& folder = {});
    // At start-up (interactive only): a session that ended without closing offers its last
    // state: Restore, Not now (asked again next time), Discard. True when it is being restored.
    bool offerRecovery();
    // Saves the working state every `intervalMs` in the background (off until called); false,
    // with a status-bar message, when the recovery folder cannot be made.
    bool startAutosave(int intervalMs = 3000);
    Autosaver* autosaver() const { return m_autosaver; }

Q_SIGNALS:
    void modelReady(const ms::api::ModelInfo& info);
    void designsShown(const ms::GenerationOutput& output);  // after the canvas has them
    void recoveryRestored();  // every part of restoreWorkingState's state is back

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();  // the menus below and the toolbar
    QAction* buildFileMenu();  // returns "Open model" for the toolbar
    std::pair<QAction*, QAction*> buildEditMenu();  // returns Undo and Redo for the toolbar
    void buildViewMenu();
    void buildHelpMenu();
    void buildCadMenu(QMenu* view);  // MainWindowCad.cpp: grid snapping and the design's unit
    void applyCadSettings();         // m_settings' grid and unit into the canvas and the menu
    // Pinning needs a design SFARM (or a partial model): false, and the status bar says why, if not.
    bool pinningAvailable();
    void editKeypoint(int keypoint);  // numeric entry of a pin (a double-clicked handle)
    void saveSettings();  // the window's live state into m_settings, then to disk
    // Before closing while `engine` runs a job: asks (when interactive), cancels, and waits for
    // the job's checkpoint. False when the user chose to keep it running.
    bool stopForClose(EngineWorker* engine, const QString& title, const QString& question);
    void buildDocks();
    void restoreSettings();
    void addModelEntry(const QString& path);  // labelled by ModelNaming (MainWindowModels.cpp)
    void renameCurrentModel();                // File → Rename model…
    void requestGeneration();
    void onModelLoaded(const api::ModelInfo& info, quint64 serial);
    void onModelLoadFailed(const QString& path, const QString& message);
    void onGenerated(const GenerationOutput& output);
    void exportWithDialog(ExportFormat format);
    void applyTheme(const QString& theme);
    void showError(const QString& title, const QString& message);
    void rememberConditions();
    void forwardConditionsToImages();
    // Says so in the Image dock when the image model's conditions are not the keypoint model's,
    // and offers a keypoint model from the switcher that has them.
    void noteImageModelConditions();
    void fitConditionDockOnFirstLaunch();
    void showKeypoints(const GenerationOutput& output);
    void showPinCount();
    void connectPinsAndDesignSfarm();
    void connectImageDock();  // MainWindowImages.cpp
    void showImageDock();
    void trainNewModelsDesignSfarm(const api::ModelInfo& info);  // after a Training-dock run, once it is loaded
    void editPins(const KeypointPins& next, const QString& description, int drag = -1);
    void applyPins(const std::vector<double>& values);
    void recoveryPartDone();  // the keypoint or the image part of a restore

    ExploreEngine* m_explore;
    TrainingEngine* m_training;
    ConditionPanel* m_conditions;
    SamplingPanel* m_sampling;
    DesignCanvas* m_canvas;
    TrainingPanel* m_trainingPanel;
    ImagePanel* m_imagePanel;
    ImageTrainingPanel* m_imageTraining;
    QComboBox* m_modelBox;
    QLabel* m_deviceLabel;
    QLabel* m_modelLabel;
    QLabel* m_latencyLabel;
    QActionGroup* m_themeGroup = nullptr;
    QAction* m_snapAction = nullptr;
    QActionGroup* m_gridStepGroup = nullptr;
    QActionGroup* m_unitGroup = nullptr;
    StudioSettings m_settings;

    bool m_interactive = true;
    bool m_restoredLayout = false;
    bool m_firstLayoutDone = false;
    quint64 m_awaitedSerial = 0;
    QString m_loadingPath;
    std::optional<api::ModelInfo> m_model;
    std::map<QString, std::optional<Schema>> m_switcherSchemas;  // by path; nullopt: unreadable
    std::optional<GenerationOutput> m_last;
    KeypointPins m_pins;
    std::map<QString, std::vector<double>> m_pinsByModel;  // pins of the models switched away from, by path
    int m_pinDrag = 0;
    QString m_designSfarmOnLoad;  // a model just trained in the Training dock: train its design SFARM when loaded  // serial of the current handle drag (its moves merge into one undo step)
    QLabel* m_pinLabel = nullptr;
    QAction* m_trainSfarm = nullptr;
    Autosaver* m_autosaver = nullptr;
    std::optional<WorkingState> m_restoring;  // its keypoint part waits for its model to load
    int m_restoreParts = 0;                   // parts of a restore not back yet
    QString m_recoveredFolder;                // the autosave restored from: removed once saved again
    int m_recoveryWriteMark = -1;             // removed once an autosave started after this many has been written
    QString m_autosaveError;                  // the last one shown
    QHash<quint64, qint64> m_requestTimes;  // request id -> when it was made (ns, m_clock)
    QElapsedTimer m_clock;
};

}  // namespace ms
