#include "ui/workers/ImageTrainingEngine.h"

#include <QPainter>

#include <exception>

#include "ui/workers/ImageEngine.h"

namespace ms {

QImage previewGrid(const api::ImagePixels& pixels) {
    if (pixels.count == 0) return {};
    const int s = static_cast<int>(pixels.size);
    QImage grid(s * static_cast<int>(pixels.count), s, QImage::Format_RGB888);
    grid.fill(Qt::white);
    QPainter painter(&grid);
    for (int64_t i = 0; i < pixels.count; ++i) painter.drawImage(static_cast<int>(i) * s, 0, toQImage(pixels, i));
    return grid;
}

namespace {

// What a finished (or cancelled) run tells the dock.
struct ImageTrainingSummary {
    QString modelPath;
    bool cancelled = false;
    QString text;
};

ImageTrainingSummary summarise(const api::ImageTrainResult& r) {
    QString text;
    if (r.cancelled && r.modelPath.empty())
        text = ImageTrainingEngine::tr("Cancelled during the autoencoder's first epoch: nothing was saved.");
    else if (r.cancelled && r.completedEpochs == 0)
        text = ImageTrainingEngine::tr("Cancelled during the autoencoder stage; its checkpoint is saved (Resume continues it).");
    else if (r.cancelled)
        text = ImageTrainingEngine::tr("Cancelled after %1 mcLDM epochs; checkpoint saved (Resume continues it).").arg(r.completedEpochs);
    else
        text = ImageTrainingEngine::tr("Trained on %1 images (%2 held out) on %3: autoencoder %4 s (held-out MSE %5), mcLDM %6 s, %7 epochs.")
                   .arg(r.trainRows).arg(r.testRows).arg(QString::fromStdString(r.deviceName))
                   .arg(r.autoencoderSeconds, 0, 'f', 1).arg(r.reconstructionMse, 0, 'f', 5)
                   .arg(r.ldmSeconds, 0, 'f', 1).arg(r.completedEpochs);
    return {QString::fromStdString(r.modelPath), r.cancelled, text};
}

}  // namespace

ImageTrainingEngine::ImageTrainingEngine(QObject* parent) : EngineWorker(QStringLiteral("maskstudio-image-training"), parent) {}

ImageTrainingEngine::~ImageTrainingEngine() { stop(); }

bool ImageTrainingEngine::start(ImageSet images, api::ImageTrainRequest request) {
    auto data = std::make_shared<const ImageSet>(std::move(images));
    return startJob<ImageTrainingSummary>(
        [this, data, request = std::move(request)](const CancelToken& cancel) {
            return summarise(api::trainImageModel(*data, request, [this](const api::ImageTrainProgress& p) {
                toOwner([this, stage = QString::fromStdString(p.stage), epoch = static_cast<int>(p.epoch), epochs = static_cast<int>(p.epochs),
                         loss = p.loss, seconds = p.elapsedSeconds, grid = previewGrid(p.preview)] {
                    Q_EMIT progress(stage, epoch, epochs, loss, seconds, grid);
                });
            }, cancel));
        },
        [this](ImageTrainingSummary s) { Q_EMIT finished(s.modelPath, s.cancelled, s.text); });
}

}  // namespace ms
