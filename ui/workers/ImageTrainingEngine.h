#pragma once
// Trains image models on its own thread (through the torch-free trainImageModel), so the studio
// keeps exploring meanwhile: per-epoch progress with preview grids, cancel (a resumable
// checkpoint when the mcLDM stage had started), errors as messages.
#include <QImage>
#include <QObject>

#include <vector>

#include "api/ImageTraining.h"
#include "api/PartialImages.h"
#include "ui/workers/EngineWorker.h"

namespace ms {

class ImageTrainingEngine : public EngineWorker {
    Q_OBJECT
public:
    explicit ImageTrainingEngine(QObject* parent = nullptr);
    ~ImageTrainingEngine() override;  // cancels a running job, then joins
    // False when a run is already going. The images travel with the job: nothing is shared.
    bool start(ImageSet images, api::ImageTrainRequest request);
    // Learning from images with gaps (api::trainPartialOnImages, a .mpd): partitionChosen once the
    // contexts are settled (after the learnt prior, when there is one: its epochs as progress of
    // stage "mask prior"), then progress per epoch of the denoiser (stage "denoiser"); no preview grids. observed: N x size x size, 1 = observed.
    // A cancelled run writes nothing (finished with cancelled set and no path).
    bool startPartial(ImageSet images, std::vector<uint8_t> observed, api::PartialImageTrainRequest request);

Q_SIGNALS:
    void progress(const QString& stage, int epoch, int epochs, double loss, double seconds, const QImage& previewGrid);
    void finished(const QString& modelPath, bool cancelled, const QString& summary);
    // masks: maskPreviewGrid of the partition's preview; epochs: the denoiser's, to come.
    void partitionChosen(const QString& context, const QImage& masks, bool drawnFromPrior, int epochs);
};

// The preview images side by side (one row), for the training dock.
QImage previewGrid(const api::ImagePixels& pixels);
// The partition's masks as two rows: the data's on top, the drawn ones (prior draws or contexts)
// below; observed pixels light, hidden ones dark, a gap between masks.
QImage maskPreviewGrid(const api::ImageGapPreview& preview);

}  // namespace ms
