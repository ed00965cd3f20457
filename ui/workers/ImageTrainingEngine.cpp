#include "ui/workers/ImageTrainingEngine.h"

#include <QElapsedTimer>
#include <QPainter>

#include <atomic>
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

QImage maskPreviewGrid(const api::ImageGapPreview& preview) {
    const int s = static_cast<int>(preview.size), k = static_cast<int>(preview.count()), gap = std::max(1, s / 8);
    if (k == 0) return {};
    QImage grid((s + gap) * k - gap, 2 * s + gap, QImage::Format_RGB888);
    grid.fill(QColor(150, 150, 150));
    const auto paint = [&](const std::vector<uint8_t>& masks, int row) {
        for (int i = 0; i < k && static_cast<std::size_t>((i + 1) * s * s) <= masks.size(); ++i)
            for (int y = 0; y < s; ++y)
                for (int x = 0; x < s; ++x) {
                    const bool seen = masks[static_cast<std::size_t>((i * s + y) * s + x)] != 0;
                    grid.setPixelColor(i * (s + gap) + x, row * (s + gap) + y, seen ? QColor(250, 250, 250) : QColor(30, 30, 30));
                }
    };
    paint(preview.dataMasks, 0);
    paint(preview.drawnMasks, 1);
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

bool ImageTrainingEngine::startPartial(ImageSet images, std::vector<uint8_t> observed, api::PartialImageTrainRequest request) {
    auto data = std::make_shared<const ImageSet>(std::move(images));
    auto masks = std::make_shared<const std::vector<uint8_t>>(std::move(observed));
    return startJob<ImageTrainingSummary>(
        [this, data, masks, request = std::move(request)](const CancelToken& cancel) mutable {
            QElapsedTimer clock;
            clock.start();
            auto epochs = std::make_shared<std::atomic<int>>(0);  // set by the preview, before the first epoch
            request.onPartition = [this, epochs](const api::ImageGapPreview& p) {
                epochs->store(static_cast<int>(p.epochs));
                toOwner([this, context = QString::fromStdString(p.context), grid = maskPreviewGrid(p), prior = p.drawnFromPrior,
                         n = static_cast<int>(p.epochs)] { Q_EMIT partitionChosen(context, grid, prior, n); });
            };
            request.onPriorEpoch = [this, &clock](int64_t epoch, int64_t priorEpochs, double loss) {
                toOwner([this, epoch = static_cast<int>(epoch), n = static_cast<int>(priorEpochs), loss, seconds = clock.elapsed() / 1000.0] {
                    Q_EMIT progress(QStringLiteral("mask prior"), epoch, n, loss, seconds, QImage());
                });
            };
            const auto onEpoch = [this, epochs, &clock](int64_t epoch, double loss) {
                toOwner([this, epoch = static_cast<int>(epoch), n = epochs->load(), loss, seconds = clock.elapsed() / 1000.0] {
                    Q_EMIT progress(QStringLiteral("denoiser"), epoch, n, loss, seconds, QImage());
                });
            };
            try {
                const api::PartialImageTrainResult r = api::trainPartialOnImages(*data, *masks, request, onEpoch, cancel);
                return ImageTrainingSummary{
                    QString::fromStdString(request.outPath), false,
                    tr("Learnt from %1 images (%2 with gaps, %3 % of the pixels observed) in %4 s: contexts %5, %6 updates, final loss %7.")
                        .arg(r.images).arg(r.imagesWithGaps).arg(100.0 * r.observedFraction, 0, 'f', 1).arg(r.seconds, 0, 'f', 1)
                        .arg(QString::fromStdString(r.context)).arg(r.updates).arg(r.finalLoss, 0, 'g', 4)};
            } catch (const std::exception&) {
                if (!cancel.cancelled()) throw;
                return ImageTrainingSummary{QString(), true,
                                            tr("Cancelled: a run on incomplete images keeps no checkpoint, nothing was saved.")};
            }
        },
        [this](ImageTrainingSummary s) { Q_EMIT finished(s.modelPath, s.cancelled, s.text); });
}

}  // namespace ms
