#pragma once
// Trains image models on its own thread (through the torch-free trainImageModel), so the studio
// keeps exploring meanwhile: per-epoch progress with preview grids, cancel (a resumable
// checkpoint when the mcLDM stage had started), errors as messages.
#include <QImage>
#include <QObject>
#include <QThread>

#include "api/ImageTraining.h"
#include "runtime/CancelToken.h"

namespace ms {

class ImageTrainingWorker : public QObject {
    Q_OBJECT
public:
    // Runs on the worker's thread; the job travels with the queued call, so nothing is shared.
    void run(const ImageSet& images, const ImageTrainRequest& request, const CancelToken& cancel);

Q_SIGNALS:
    void progress(const QString& stage, int epoch, int epochs, double loss, double seconds, const QImage& previewGrid);
    void finished(const QString& modelPath, bool cancelled, const QString& summary);
    void failed(const QString& message);

};

class ImageTrainingEngine : public QObject {
    Q_OBJECT
public:
    explicit ImageTrainingEngine(QObject* parent = nullptr);
    ~ImageTrainingEngine() override;
    bool running() const { return m_running; }
    // False when a run is already going.
    bool start(ImageSet images, ImageTrainRequest request);
    void cancel() { m_cancel.cancel(); }

Q_SIGNALS:
    void progress(const QString& stage, int epoch, int epochs, double loss, double seconds, const QImage& previewGrid);
    void finished(const QString& modelPath, bool cancelled, const QString& summary);
    void failed(const QString& message);

private:
    QThread m_thread;
    ImageTrainingWorker* m_worker;
    CancelToken m_cancel;
    bool m_running = false;
};

// The preview images side by side (one row), for the training dock.
QImage previewGrid(const ImagePixels& pixels);

}  // namespace ms
