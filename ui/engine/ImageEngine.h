#pragma once
// The engine thread for images: owns the loaded image model (through the torch-free
// ImageSession) and runs generation / inpainting jobs with step-by-step previews. Latest wins:
// a new job replaces the waiting one AND cancels the running one at its next step, so live
// generation always converges on the last state; the user can cancel at any step.
#include <QImage>
#include <QObject>
#include <QThread>

#include <atomic>

#include "api/ImageSession.h"
#include "engine/LatestWinsSlot.h"
#include "inference/ConditionValues.h"

namespace ms {

struct ImageJob {
    quint64 id = 0;
    quint64 modelSerial = 0;
    ImageSampleRequest request;  // conditions, seed, sampler, steps, guidance, RePaint settings
    QImage base;                 // inpainting: the image to edit (any format; converted)
    QImage mask;                 // inpainting: white = re-generate
    bool inpaint() const { return !base.isNull() && !mask.isNull(); }
};

struct ImageJobResult {
    quint64 id = 0;
    QImage image;  // Format_Grayscale8 or RGB888 at the model's size; null on error
    ImageJob job;
    bool cancelled = false;
    QString error;
    double milliseconds = 0.0;
};

struct ImageModelInfo {
    QString path;
    QString description;
    Schema schema;
    int size = 0, channels = 1;
};

QImage toQImage(const ImagePixels& pixels, int64_t index = 0);
ImagePixels fromQImage(const QImage& image, int channels, int size);  // converts and scales

class ImageWorker : public QObject {
    Q_OBJECT
public:
    ImageWorker();
    void submit(const ImageJob& job);  // thread-safe; cancels every older job (waiting or running)
    // Thread-safe: jobs with id <= lastId stop at their next step, or never start.
    void cancelUpTo(quint64 lastId) { m_cancelUpTo.store(lastId); }
    int jobsRun() const { return m_jobs.load(); }

public Q_SLOTS:
    void loadModel(const QString& path, quint64 serial);

Q_SIGNALS:
    void modelLoaded(const ms::ImageModelInfo& info, quint64 serial);
    void modelLoadFailed(const QString& path, const QString& message);
    void preview(quint64 id, int step, int total, const QImage& image);
    void finished(const ms::ImageJobResult& result);

private:
    void processLatest();

    ImageSession m_session;
    quint64 m_serial = 0;
    LatestWinsSlot<ImageJob> m_slot;
    std::atomic<quint64> m_cancelUpTo{0};
    std::atomic<int> m_jobs{0};
};

class ImageEngine : public QObject {
    Q_OBJECT
public:
    explicit ImageEngine(QObject* parent = nullptr);
    ~ImageEngine() override;
    quint64 loadModel(const QString& path);
    quint64 request(ImageJob job);  // returns the job id
    void cancel() { m_worker->cancelUpTo(m_nextId - 1); }  // every job requested so far
    int jobsRun() const { return m_worker->jobsRun(); }

Q_SIGNALS:
    void modelLoaded(const ms::ImageModelInfo& info, quint64 serial);
    void modelLoadFailed(const QString& path, const QString& message);
    void preview(quint64 id, int step, int total, const QImage& image);
    void finished(const ms::ImageJobResult& result);

private:
    QThread m_thread;
    ImageWorker* m_worker;
    quint64 m_nextSerial = 1;
    quint64 m_nextId = 1;
};

}  // namespace ms

Q_DECLARE_METATYPE(ms::ImageJobResult)
Q_DECLARE_METATYPE(ms::ImageModelInfo)
