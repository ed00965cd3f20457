#include "engine/ImageTrainingEngine.h"

#include <QPainter>

#include <exception>

#include "engine/ImageEngine.h"

namespace ms {

QImage previewGrid(const ImagePixels& pixels) {
    if (pixels.count == 0) return {};
    const int s = static_cast<int>(pixels.size);
    QImage grid(s * static_cast<int>(pixels.count), s, QImage::Format_RGB888);
    grid.fill(Qt::white);
    QPainter painter(&grid);
    for (int64_t i = 0; i < pixels.count; ++i) painter.drawImage(static_cast<int>(i) * s, 0, toQImage(pixels, i));
    return grid;
}

void ImageTrainingWorker::run(const ImageSet& images, const ImageTrainRequest& request, const CancelToken& cancel) {
    try {
        const ImageTrainResult r = trainImageModel(images, request, [this](const ImageTrainProgress& p) {
            Q_EMIT progress(QString::fromStdString(p.stage), static_cast<int>(p.epoch), static_cast<int>(p.epochs), p.loss,
                            p.elapsedSeconds, previewGrid(p.preview));
        }, cancel);
        QString summary;
        if (r.cancelled && r.modelPath.empty())
            summary = tr("Cancelled during the autoencoder stage: nothing was saved.");
        else if (r.cancelled)
            summary = tr("Cancelled after %1 mcLDM epochs; checkpoint saved (Resume continues it).").arg(r.completedEpochs);
        else
            summary = tr("Trained on %1 images (%2 held out) on %3: autoencoder %4 s (held-out MSE %5), mcLDM %6 s, %7 epochs.")
                          .arg(r.trainRows).arg(r.testRows).arg(QString::fromStdString(r.deviceName))
                          .arg(r.autoencoderSeconds, 0, 'f', 1).arg(r.reconstructionMse, 0, 'f', 5)
                          .arg(r.ldmSeconds, 0, 'f', 1).arg(r.completedEpochs);
        Q_EMIT finished(QString::fromStdString(r.modelPath), r.cancelled, summary);
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromStdString(e.what()));
    }
}

ImageTrainingEngine::ImageTrainingEngine(QObject* parent) : QObject(parent), m_worker(new ImageTrainingWorker) {
    m_thread.setObjectName(QStringLiteral("maskstudio-image-training"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &ImageTrainingWorker::progress, this, &ImageTrainingEngine::progress);
    connect(m_worker, &ImageTrainingWorker::finished, this, [this](const QString& path, bool cancelled, const QString& summary) {
        m_running = false;
        Q_EMIT finished(path, cancelled, summary);
    });
    connect(m_worker, &ImageTrainingWorker::failed, this, [this](const QString& message) {
        m_running = false;
        Q_EMIT failed(message);
    });
    m_thread.start();
}

ImageTrainingEngine::~ImageTrainingEngine() {
    m_cancel.cancel();
    m_thread.quit();
    m_thread.wait();
}

bool ImageTrainingEngine::start(ImageSet images, ImageTrainRequest request) {
    if (m_running) return false;
    m_running = true;
    m_cancel = CancelToken();
    ImageTrainingWorker* worker = m_worker;
    QMetaObject::invokeMethod(
        m_worker, [worker, images = std::move(images), request = std::move(request), cancel = m_cancel] { worker->run(images, request, cancel); },
        Qt::QueuedConnection);
    return true;
}

}  // namespace ms
