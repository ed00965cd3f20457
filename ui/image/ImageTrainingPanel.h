#pragma once
// Training image models from the studio (the Training dock's "Images" tab): an image folder with
// its conditions CSV (or a .mspack), problems listed by file before anything starts, the
// settings, new / fine-tune-the-current / resume, live loss curves and preview grids every N
// epochs, cancel (a resumable checkpoint). The trained model opens in the Image dock. With more
// than one process, the run goes to `maskstudio-cli launch` (data parallel on this machine);
// "Cluster command…" shows the same training as a SLURM batch script to paste. A folder whose
// images have observation masks (NAME.mask.png, black = not observed) can instead train a model
// that learns from the incomplete images themselves (a .mpd, issue 16): the partition of each
// image's observed pixels into context and query is a choice (automatic, scattered pixels,
// blocks, or a prior learnt over the masks), previewed as the data's masks above the drawn ones.
#include <QWidget>

#include <vector>

#include "core/data/ImageSet.h"
#include "ui/image/ImageTrainCommand.h"
#include "ui/workers/ImageTrainingEngine.h"
#include "ui/workers/LaunchedImageTraining.h"

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace ms {

class ImageTrainingPanel : public QWidget {
    Q_OBJECT
public:
    explicit ImageTrainingPanel(QWidget* parent = nullptr);

    // Reads the folder (+ CSV, default <folder>/conditions.csv) or a .mspack; false with the
    // problems shown when nothing could be loaded. Problems with single files are listed and
    // those files skipped (or, with "Stop at the first problem", loading stops).
    bool loadImages(const QString& folderOrPack, const QString& csv = QString());
    // Images with gaps among the loaded ones (0: the incomplete-images option is off).
    int imagesWithGaps() const { return m_imagesWithGaps; }
    // Train on the incomplete images (a .mpd) instead of an image model; partition: auto | iid |
    // block | prior. False when no loaded image has gaps.
    bool setLearnFromIncompleteImages(bool on, const QString& partition = QStringLiteral("auto"));
    // Starts training into a new run folder. fineTuneFrom / resumeFrom: an .msi path or empty.
    bool startTraining(const QString& fineTuneFrom = QString(), const QString& resumeFrom = QString());
    void cancel();
    bool running() const { return m_engine->isRunning() || m_launched->isRunning(); }
    // Local processes of the next run (1: in the studio's own training thread).
    void setProcesses(int processes);
    // The command the current settings give (the run's --out is a placeholder until it starts).
    ImageTrainCommand command(const QString& outPath) const;
    QString clusterScript() const;
    void setCliPath(const QString& path) { m_cliPath = path; }
    void setEpochs(int autoencoder, int mcldm, int previewEvery);
    void setArchitecture(int baseChannels, const QString& channelMult);
    void setCurrentImageModel(const QString& path) { m_currentModel = path; }
    int curvePoints() const;
    const QImage& lastPreview() const { return m_lastPreview; }
    QString report() const;
    ImageTrainingEngine* engine() const { return m_engine; }

Q_SIGNALS:
    void modelTrained(const QString& path);

private:
    void onProgress(const QString& stage, int epoch, int epochs, double loss, double seconds, const QImage& preview);
    void onFinished(const QString& path, bool cancelled, const QString& summary);
    void onFailed(const QString& message);
    api::ImageTrainRequest request(const QString& fineTuneFrom, const QString& resumeFrom) const;
    bool startPartialTraining();
    void onPartitionChosen(const QString& context, const QImage& masks, bool drawnFromPrior, int epochs);
    void updateIncompleteControls();
    void showLossCurves(bool imageModel);  // clears them; the graphs of an image model or of a denoiser
    void showFirstCurve(bool visible, const QString& name = QString());

    ImageTrainingEngine* m_engine;
    LaunchedImageTraining* m_launched;
    QString m_cliPath = LaunchedImageTraining::defaultCliPath();
    QString m_conditionsCsv;
    ImageSet m_images;
    bool m_loaded = false;
    // The images with their observation masks, when some have gaps (the masks' reader may drop
    // images whose mask is unusable, so these are their own set).
    ImageSet m_observedImages;
    std::vector<uint8_t> m_observed;  // N x size x size, 1 = observed
    int m_imagesWithGaps = 0;
    QString m_currentModel;
    QImage m_lastPreview;

    QLineEdit* m_folder;
    QCheckBox *m_stopOnProblem, *m_tuneFirstStage, *m_targetShapes, *m_incomplete;
    QComboBox* m_partition;
    QFormLayout* m_form;
    QPlainTextEdit* m_report;
    QComboBox *m_preset, *m_device, *m_start;
    QSpinBox *m_aeEpochs, *m_epochs, *m_batch, *m_base, *m_previewEvery, *m_processes, *m_partialUpdates, *m_priorUpdates;
    QLineEdit* m_mult;
    QDoubleSpinBox* m_lr;
    QPushButton *m_train, *m_cancel, *m_cluster;
    QProgressBar* m_progress;
    QCustomPlot* m_curves;
    QLabel* m_preview;
    QLabel* m_status;
};

}  // namespace ms
