#pragma once
// The studio's image view: conditions drive live image generation by the image model (mcLDM)
// with step-by-step previews, cancel at any step, seed control (fixed / new / increment), a
// history strip of results (seed, conditions, mask) to recall or compare, and inpainting of
// the masked region of any image (generated or opened) with the mask editor, live after each
// stroke when wanted. A model trained with cross-attention also follows a Target shape (the
// mask editor's second layer, or the current keypoint design's silhouette): Generate fills it;
// its attention maps (where a condition, the shape or a concept acts) can be overlaid; a concept
// learnt from a picture (ConceptDialog) becomes a toggle beside them.
#include <QImage>
#include <QList>
#include <QWidget>

#include <optional>
#include <unordered_map>

#include "core/geometry/Drawing.h"
#include "ui/image/ImageWork.h"
#include "ui/workers/ImageEngine.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;

namespace ms {

class ConceptDialog;
class MaskEditor;

enum class SeedMode { Fixed, New, Increment };

class ImagePanel : public QWidget {
    Q_OBJECT
public:
    explicit ImagePanel(QWidget* parent = nullptr);

    void openModel(const QString& path);
    bool hasModel() const { return m_serial != 0 && m_ready; }
    QString modelPath() const { return hasModel() ? m_info.path : QString(); }
    // The current design's conditions as NAME=VALUE assignments; names the image model does not
    // know are ignored, so a keypoint model and an image model of the same family share them.
    void setConditions(const QStringList& assignments);
    bool openImage(const QString& path);  // as the base for inpainting; false (and a message) if unreadable
    // The image model's conditions (empty without a model).
    const Schema& modelSchema() const { return m_info.schema; }
    // A note under the model's name when its conditions are not the keypoint model's (empty:
    // hidden), with a button that asks to switch the keypoint model to `switchTo` (empty: none).
    void setConditionNote(const QString& note, const QString& switchLabel = {}, const QString& switchTo = {});
    QString conditionNote() const;
    QPushButton* switchKeypointModelButton() const { return m_switchKeypointModel; }

    // Target shapes (models that follow them): whether Generate uses the painted shape, and the
    // shape taken from a keypoint design, drawn as the model's training sketches were (false and
    // a message when the model has no render frame or this build cannot draw sketches).
    bool followsTargetShapes() const { return hasModel() && m_info.followsTargetShapes; }
    bool useTargetShape() const;
    void setUseTargetShape(bool use);
    bool takeTargetShapeFrom(const Drawing& design);

    // Concepts of the open model: the toggles, and which are on (asked for by Generate).
    QStringList concepts() const { return m_info.concepts; }
    QStringList conceptsOn() const;
    void setConceptOn(const QString& concept, bool on);
    // "Learn a concept from an image…" (created on first use; null before).
    ConceptDialog* showConceptDialog();
    ConceptDialog* conceptDialog() const { return m_conceptDialog; }
    // The attention overlay: "" for none, else a token of the model (a condition's name, "target
    // shape" or a concept's name); false when there is no such token. Maps are computed with a
    // result only while the overlay shows; switching it on asks for the current image's maps.
    bool setAttentionOverlay(const QString& token);
    QStringList attentionTokens() const { return m_attentionTokens; }

    void generate();  // one job with the current settings (and the next seed per the seed mode)
    void inpaint();   // re-generate the masked region of the current image
    void cancel();

    const QImage& currentImage() const { return m_current; }
    quint64 seed() const;
    void setSeed(quint64 seed);
    void setSeedMode(SeedMode mode);
    void setLive(bool live);
    void setSteps(int steps);
    // Generate makes this many images at once (seeds of one batch: the seed and the image's
    // place in it); each goes into the history, the first is shown. Inpainting makes one.
    void setBatchSize(int images);
    int batchSize() const;
    void setMembers(int members);  // contexts K of a model learned from incomplete images
    void setGuidance(double scale);  // slider and spin box follow
    double guidance() const;
    int historyCount() const;
    void recall(int historyIndex);  // the entry's image becomes current; seed restored
    MaskEditor* maskEditor() const { return m_editor; }
    // The dock's work (history, current image, both mask layers, seed) for crash recovery, and
    // putting it back: at once when its image model is the open one, else once that model has
    // loaded (it is opened); workRestored() then. A model that fails to load restores nothing.
    ImageWork work() const;
    void restoreWork(const ImageWork& work);
    ImageEngine* engine() const { return m_engine; }
    QString status() const;

Q_SIGNALS:
    void modelReady(const QString& description);
    void imageReady(const QImage& image);  // each finished (not cancelled) job
    void statusMessage(const QString& text);
    void keypointModelSwitchRequested(const QString& path);
    void targetShapeFromDesignRequested();
    void workRestored();  // "From design": the window answers with takeTargetShapeFrom

private:
    ImageJob makeJob(bool advanceSeed = true);  // false: the seed mode's next seed is not drawn (a job to read, not to run)
    // The image shown and worked on, the job that made it and its attention maps (when computed).
    // `job` may be null (nothing known about how the image was made).
    void setCurrent(const QImage& image, const ImageJob* job, const QStringList& tokens, const QList<QImage>& maps, int batchIndex = 0);
    bool needModel();  // false, with a message, without a model
    QString noModelText() const;
    void submit(ImageJob job);
    void onFinished(const ImageJobResult& r);
    void addToHistory(const ImageJobResult& r, int batchIndex, const QImage& image);
    QListWidgetItem* insertHistoryItem(const QImage& image, const ImageJob& job, int batchIndex, const QString& toolTip);
    void applyWork(const ImageWork& work);
    void compareSelected();
    void rebuildConceptToggles();
    // Concepts carry their rarer parts more reliably with classifier-free guidance (issue 17 in
    // docs/RESULTS.md: rims and bottles in >= 80 % of new shapes in 39 of 48 tuning-run cases at
    // guidance 3, 34 at 1): a concept switched on raises guidance 1 to kConceptGuidance; when the
    // last one goes off, guidance goes back to 1 unless the user changed it meanwhile.
    void guideConcepts();
    static constexpr double kConceptGuidance = 3.0;
    bool m_conceptGuidance = false;  // guidance was raised for concepts
    void showAttentionOverlay();

    ImageEngine* m_engine;
    ImageModelInfo m_info;
    quint64 m_serial = 0;         // the loaded model's
    quint64 m_loadingSerial = 0;  // a load in flight
    bool m_ready = false;
    quint64 m_activeJob = 0;
    bool m_busy = false;  // m_activeJob has not finished
    QStringList m_assignments;
    QImage m_current;
    std::optional<ImageJob> m_currentJob;  // what made m_current (without its pixels): attention is read with it
    std::unordered_map<quint64, ImageJob> m_historyJobs;  // by job id, the history entries' jobs
    std::optional<ImageWork> m_pendingWork;  // restoreWork() waiting for its model to load
    quint64 m_restoredJobIds = quint64(1) << 62;  // ids of restored entries' jobs (the engine's count up from 1)
    bool m_attentionAsked = false;  // the current image's maps are on their way (asked once per image)
    quint64 m_attentionFor = 0;     // the id of the job that made the image they are asked for
    int m_attentionForIndex = 0;    // and the image's place in that job's batch
    int m_currentIndex = 0;         // the current image's place in its job's batch
    QSpinBox* m_batch = nullptr;

    QLabel* m_modelLabel;
    QLabel* m_conditionNote;
    QPushButton* m_switchKeypointModel;
    MaskEditor* m_editor;
    QPushButton *m_generate, *m_cancel, *m_inpaint;
    QCheckBox* m_live;
    QWidget* m_targetRow;
    QCheckBox* m_useTargetShape;
    QPushButton* m_targetFromDesign;
    QComboBox* m_attentionOverlay;
    QWidget* m_conceptRow;
    QList<QCheckBox*> m_conceptToggles;
    QPushButton* m_learnConcept;
    ConceptDialog* m_conceptDialog = nullptr;
    QString m_conceptToTick;          // a concept just learnt: ticked once its model has loaded
    QStringList m_attentionTokens;    // of the current image
    QList<QImage> m_attentionMaps;
    QComboBox *m_sampler, *m_seedMode;
    QSpinBox *m_steps, *m_seed, *m_jump, *m_resamples, *m_members;
    QList<QWidget*> m_diffusionOnly;  // sampler, eta, guidance, RePaint: an mcLDM's settings
    QList<QWidget*> m_ensembleOnly;   // contexts K: a model learned from incomplete images
    QSlider* m_guidanceSlider;
    QDoubleSpinBox *m_eta, *m_guidance;
    QProgressBar* m_progress;
    QListWidget* m_history;
    QLabel* m_status;
};

}  // namespace ms
