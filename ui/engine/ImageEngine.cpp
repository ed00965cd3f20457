#include "engine/ImageEngine.h"

#include <QElapsedTimer>
#include <QMutexLocker>

#include <exception>

namespace ms {

QImage toQImage(const ImagePixels& p, int64_t index) {
    const int s = static_cast<int>(p.size);
    const std::size_t plane = static_cast<std::size_t>(s) * static_cast<std::size_t>(s);
    const uint8_t* base = p.data.data() + static_cast<std::size_t>(index) * plane * static_cast<std::size_t>(p.channels);
    if (p.channels == 1) {
        QImage img(s, s, QImage::Format_Grayscale8);
        for (int y = 0; y < s; ++y) std::copy(base + y * s, base + (y + 1) * s, img.scanLine(y));
        return img;
    }
    QImage img(s, s, QImage::Format_RGB888);
    for (int y = 0; y < s; ++y) {
        uchar* line = img.scanLine(y);
        for (int x = 0; x < s; ++x)
            for (int c = 0; c < 3; ++c) line[3 * x + c] = base[c * plane + static_cast<std::size_t>(y * s + x)];
    }
    return img;
}

ImagePixels fromQImage(const QImage& image, int channels, int size) {
    QImage img = image.size() == QSize(size, size) ? image
                                                   : image.scaled(size, size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    img = img.convertToFormat(channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    ImagePixels p;
    p.count = 1;
    p.channels = channels;
    p.size = size;
    p.data.resize(static_cast<std::size_t>(channels * size * size));
    const std::size_t plane = static_cast<std::size_t>(size * size);
    for (int y = 0; y < size; ++y) {
        const uchar* line = img.constScanLine(y);
        for (int x = 0; x < size; ++x)
            for (int c = 0; c < channels; ++c)
                p.data[static_cast<std::size_t>(c) * plane + static_cast<std::size_t>(y * size + x)] = line[channels * x + c];
    }
    return p;
}

ImageWorker::ImageWorker() {
    qRegisterMetaType<ms::ImageJobResult>();
    qRegisterMetaType<ms::ImageModelInfo>();
}

void ImageWorker::submit(const ImageJob& job) {
    m_cancelUpTo.store(job.id - 1);  // the running job stops at its next step
    if (m_slot.offer(job)) QMetaObject::invokeMethod(this, [this] { processLatest(); }, Qt::QueuedConnection);
}

void ImageWorker::loadModel(const QString& path, quint64 serial) {
    try {
        m_session.load(path.toStdString(), "auto");
        m_serial = serial;
        ImageModelInfo info;
        info.path = path;
        info.description = QString::fromStdString(m_session.describe());
        info.schema = m_session.schema();
        info.size = static_cast<int>(m_session.imageSize());
        info.channels = static_cast<int>(m_session.imageChannels());
        Q_EMIT modelLoaded(info, serial);
    } catch (const std::exception& e) {
        Q_EMIT modelLoadFailed(path, QString::fromStdString(e.what()));
    }
}

void ImageWorker::processLatest() {
    const std::optional<ImageJob> next = m_slot.take();
    if (!next) return;
    const ImageJob& job = *next;
    if (job.modelSerial != m_serial || !m_session.loaded()) return;  // made for another model
    ImageJobResult result;
    result.id = job.id;
    result.job = job;
    if (job.id <= m_cancelUpTo.load()) {  // cancelled before it started
        result.cancelled = true;
        Q_EMIT finished(result);
        return;
    }
    QElapsedTimer timer;
    timer.start();
    const auto onPreview = [&](int64_t done, int64_t total, const ImagePixels& p) {
        if (p.count > 0) Q_EMIT preview(job.id, static_cast<int>(done), static_cast<int>(total), toQImage(p));
        return job.id > m_cancelUpTo.load();
    };
    try {
        const int channels = static_cast<int>(m_session.imageChannels()), size = static_cast<int>(m_session.imageSize());
        const ImageSampleResult r =
            job.inpaint() ? m_session.inpaint(job.request, fromQImage(job.base, channels, size), fromQImage(job.mask, 1, size), onPreview)
                          : m_session.generate(job.request, onPreview);
        result.image = toQImage(r.images);
        result.cancelled = r.cancelled;
    } catch (const std::exception& e) {
        result.error = QString::fromStdString(e.what());
    }
    m_jobs.fetch_add(1);
    result.milliseconds = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    Q_EMIT finished(result);
}

ImageEngine::ImageEngine(QObject* parent) : QObject(parent), m_worker(new ImageWorker) {
    m_thread.setObjectName(QStringLiteral("maskstudio-images"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &ImageWorker::modelLoaded, this, &ImageEngine::modelLoaded);
    connect(m_worker, &ImageWorker::modelLoadFailed, this, &ImageEngine::modelLoadFailed);
    connect(m_worker, &ImageWorker::preview, this, &ImageEngine::preview);
    connect(m_worker, &ImageWorker::finished, this, &ImageEngine::finished);
    m_thread.start();
}

ImageEngine::~ImageEngine() {
    m_worker->cancelUpTo(m_nextId);
    m_thread.quit();
    m_thread.wait();
}

quint64 ImageEngine::loadModel(const QString& path) {
    const quint64 serial = m_nextSerial++;
    QMetaObject::invokeMethod(m_worker, "loadModel", Qt::QueuedConnection, Q_ARG(QString, path), Q_ARG(quint64, serial));
    return serial;
}

quint64 ImageEngine::request(ImageJob job) {
    job.id = m_nextId++;
    m_worker->submit(job);
    return job.id;
}

}  // namespace ms
