#pragma once
// Training image models from the studio (the Training dock's "Images" tab): an image folder with
// its conditions CSV (or a .mspack), problems listed by file before anything starts, the
// settings, new / fine-tune-the-current / resume, live loss curves and preview grids every N
// epochs, cancel (a resumable checkpoint). The trained model opens in the Image dock.
#include <QWidget>

#include "core/data/ImageSet.h"
#include "ui/workers/ImageTrainingEngine.h"

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
    void cancel() { m_engine->cancel(); }
    bool running() const { return m_engine->isRunning(); }
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

    ImageTrainingEngine* m_engine;
    ImageSet m_images;
    bool m_loaded = false;
    QString m_currentModel;
    QImage m_lastPreview;

    QLineEdit* m_folder;
    QCheckBox *m_stopOnProblem, *m_tuneFirstStage, *m_targetShapes;
    QPlainTextEdit* m_report;
    QComboBox *m_preset, *m_device, *m_start;
    QSpinBox *m_aeEpochs, *m_epochs, *m_batch, *m_base, *m_previewEvery;
    QLineEdit* m_mult;
    QDoubleSpinBox* m_lr;
    QPushButton *m_train, *m_cancel;
    QProgressBar* m_progress;
    QCustomPlot* m_curves;
    QLabel* m_preview;
    QLabel* m_status;
};

}  // namespace ms
