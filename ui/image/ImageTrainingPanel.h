#pragma once
// Training image models from the studio (the Training dock's "Images" tab): an image folder with
// its conditions CSV (or a .mspack), problems listed by file before anything starts, the
// settings, new / fine-tune-the-current / resume, live loss curves and preview grids every N
// epochs, cancel (a resumable checkpoint). The trained model opens in the Image dock. With more
// than one process, the run goes to `maskstudio-cli launch` (data parallel on this machine);
// "Cluster command…" shows the same training as a SLURM batch script to paste.
#include <QWidget>

#include "core/data/ImageSet.h"
#include "ui/image/ImageTrainCommand.h"
#include "ui/workers/ImageTrainingEngine.h"
#include "ui/workers/LaunchedImageTraining.h"

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
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

    ImageTrainingEngine* m_engine;
    LaunchedImageTraining* m_launched;
    QString m_cliPath = LaunchedImageTraining::defaultCliPath();
    QString m_conditionsCsv;
    ImageSet m_images;
    bool m_loaded = false;
    QString m_currentModel;
    QImage m_lastPreview;

    QLineEdit* m_folder;
    QCheckBox *m_stopOnProblem, *m_tuneFirstStage, *m_targetShapes;
    QPlainTextEdit* m_report;
    QComboBox *m_preset, *m_device, *m_start;
    QSpinBox *m_aeEpochs, *m_epochs, *m_batch, *m_base, *m_previewEvery, *m_processes;
    QLineEdit* m_mult;
    QDoubleSpinBox* m_lr;
    QPushButton *m_train, *m_cancel;
    QProgressBar* m_progress;
    QCustomPlot* m_curves;
    QLabel* m_preview;
    QLabel* m_status;
};

}  // namespace ms
