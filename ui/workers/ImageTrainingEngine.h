#pragma once
// Trains image models on its own thread (through the torch-free trainImageModel), so the studio
// keeps exploring meanwhile: per-epoch progress with preview grids, cancel (a resumable
// checkpoint when the mcLDM stage had started), errors as messages.
#include <QImage>
#include <QObject>

#include "api/ImageTraining.h"
#include "ui/workers/EngineWorker.h"

namespace ms {

class ImageTrainingEngine : public EngineWorker {
    Q_OBJECT
public:
    explicit ImageTrainingEngine(QObject* parent = nullptr);
    ~ImageTrainingEngine() override;  // cancels a running job, then joins
    // False when a run is already going. The images travel with the job: nothing is shared.
    bool start(ImageSet images, api::ImageTrainRequest request);

Q_SIGNALS:
    void progress(const QString& stage, int epoch, int epochs, double loss, double seconds, const QImage& previewGrid);
    void finished(const QString& modelPath, bool cancelled, const QString& summary);
};

// The preview images side by side (one row), for the training dock.
QImage previewGrid(const api::ImagePixels& pixels);

}  // namespace ms
