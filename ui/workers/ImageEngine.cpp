#include "ui/workers/ImageEngine.h"

#include <QElapsedTimer>

#include <exception>

namespace ms {

QImage toQImage(const api::ImagePixels& p, int64_t index) {
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

api::ImagePixels fromQImage(const QImage& image, int channels, int size) {
    QImage img = image.size() == QSize(size, size) ? image
                                                   : image.scaled(size, size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    img = img.convertToFormat(channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    api::ImagePixels p;
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

ImageEngine::ImageEngine(QObject* parent) : EngineWorker(QStringLiteral("maskstudio-images"), parent) {
    qRegisterMetaType<ms::ImageJobResult>();
    qRegisterMetaType<ms::ImageModelInfo>();
}

ImageEngine::~ImageEngine() {
    m_latestCancel.cancel();
    stop();
}

api::ImagePixels targetShapePixels(const QImage& mask, int size) {
    api::ImagePixels p = fromQImage(mask, 1, size);
    for (uint8_t& v : p.data) v = v > 127 ? 255 : 0;
    return p;
}

quint64 ImageEngine::loadModel(const QString& path) {
    const quint64 serial = m_nextSerial++;
    post([this, path, serial] {
        try {
            m_session.load(path.toStdString(), "auto");
            m_serial = serial;
            ImageModelInfo info;
            info.path = path;
            info.description = QString::fromStdString(m_session.describe());
            info.schema = m_session.schema();
            info.size = static_cast<int>(m_session.imageSize());
            info.channels = static_cast<int>(m_session.imageChannels());
            info.learnedFromIncompleteImages = m_session.learnedFromIncompleteImages();
            info.followsTargetShapes = m_session.followsTargetShapes();
            info.renderFrame = m_session.renderFrame();
            for (const std::string& c : m_session.concepts()) info.concepts << QString::fromStdString(c);
            info.trainingData = QString::fromStdString(m_session.trainingData());
            toOwner([this, info, serial] { Q_EMIT modelLoaded(info, serial); });
        } catch (const std::exception& e) {
            toOwner([this, path, message = QString::fromStdString(e.what())] { Q_EMIT modelLoadFailed(path, message); });
        }
    });
    return serial;
}

quint64 ImageEngine::request(ImageJob job) {
    job.id = m_nextId++;
    const quint64 id = job.id;
    m_latestCancel.cancel();  // the running job stops at its next step, a waiting one never starts
    m_latestCancel = CancelToken();
    job.cancel = m_latestCancel;
    offerLatest<ImageJob>(m_slot, std::move(job), [this](const ImageJob& next) {
        if (next.modelSerial != m_serial || !m_session.loaded()) return;  // made for another model
        toOwner([this, result = run(next)] { Q_EMIT finished(result); });
    });
    return id;
}

ImageJobResult ImageEngine::run(const ImageJob& job) {
    ImageJobResult result;
    result.id = job.id;
    result.job = job;
    if (job.cancel.cancelled()) {  // cancelled before it started
        result.cancelled = true;
        return result;
    }
    QElapsedTimer timer;
    timer.start();
    const auto onPreview = [&](int64_t done, int64_t total, const api::ImagePixels& p) {
        if (p.count > 0)
            toOwner([this, id = job.id, step = static_cast<int>(done), steps = static_cast<int>(total), image = toQImage(p)] {
                Q_EMIT preview(id, step, steps, image);
            });
    };
    try {
        const int channels = static_cast<int>(m_session.imageChannels()), size = static_cast<int>(m_session.imageSize());
        api::ImageSampleRequest request = job.request;
        if (!job.targetShape.isNull()) request.targetMask = targetShapePixels(job.targetShape, size);
        if (job.attentionOnly) {
            result.image = toQImage(fromQImage(job.base, channels, size));
            result.images << result.image;
        } else {
            const api::ImageSampleResult r =
                job.inpaint() ? m_session.inpaint(request, fromQImage(job.base, channels, size), fromQImage(job.mask, 1, size), onPreview, job.cancel)
                              : m_session.generate(request, onPreview, job.cancel);
            result.image = toQImage(r.images);
            for (int64_t i = 0; i < r.images.count; ++i) result.images << toQImage(r.images, i);
            result.cancelled = r.cancelled;
        }
        if ((job.withAttention || job.attentionOnly) && !result.cancelled && m_session.followsTargetShapes()) {
            const api::TokenAttention a = m_session.attentionMaps(request, fromQImage(result.image, channels, size));
            for (std::size_t i = 0; i < a.tokens.size(); ++i) {
                result.attentionTokens << QString::fromStdString(a.tokens[i]);
                result.attentionMaps << toQImage(a.maps, static_cast<int64_t>(i));
            }
        }
    } catch (const std::exception& e) {
        result.error = QString::fromStdString(e.what());
    }
    m_jobs.fetch_add(1);
    result.milliseconds = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    return result;
}

}  // namespace ms
