#pragma once
// The engine thread for images: owns the loaded image model (through the torch-free
// ImageSession) and runs generation / inpainting jobs with step-by-step previews. Latest wins:
// a new job replaces the waiting one AND cancels the running one at its next step, so live
// generation always converges on the last state; the user can cancel at any step.
#include <QImage>
#include <QList>
#include <QStringList>
#include <QObject>

#include <atomic>

#include "api/ImageSession.h"
#include "core/conditioning/ConditionValues.h"
#include "ui/workers/EngineWorker.h"
#include "ui/workers/LatestWinsSlot.h"

namespace ms {

struct ImageJob {
    quint64 id = 0;
    quint64 modelSerial = 0;
    api::ImageSampleRequest request;  // conditions, seed, sampler, steps, guidance, RePaint settings
    QImage base;                 // inpainting: the image to edit (any format; converted)
    QImage mask;                 // inpainting: white = re-generate
    QImage targetShape;          // models that follow target shapes: white = where the design goes (null: none)
    bool withAttention = false;  // models that follow target shapes: also where each token looks in the result
    bool attentionOnly = false;  // no generation: the attention maps of `base` (the image made by this request)
    CancelToken cancel;          // set by the engine: cancelled when a newer job is requested
    bool inpaint() const { return !attentionOnly && !base.isNull() && !mask.isNull(); }
};

struct ImageJobResult {
    quint64 id = 0;
    QImage image;  // Format_Grayscale8 or RGB888 at the model's size; null on error (the first of `images`)
    QList<QImage> images;  // every image of the job (request.count of them; inpainting and attention: one)
    ImageJob job;
    bool cancelled = false;
    QString error;
    double milliseconds = 0.0;
    QStringList attentionTokens;   // job.withAttention: the token names (conditions, target shape, concepts)
    QList<QImage> attentionMaps;   // one grey map per token, the finest attention grid, max 255
};

struct ImageModelInfo {
    QString path;
    QString description;
    Schema schema;
    int size = 0, channels = 1;
    bool learnedFromIncompleteImages = false;  // a .mpd: contexts K and steps 0 apply, sampler and guidance do not
    bool followsTargetShapes = false;          // trained with cross-attention: Target shape applies
    api::ImageRenderFrame renderFrame;         // of its training sketches: a design's shape can be drawn in it
    QStringList concepts;                      // learnt concepts (Learn a concept…), by name
    QString trainingData;                      // the images it was trained on, as recorded (may be gone)
};

// A target shape for `size`-pixel images: scaled to that size, grey, white (255) where the mask
// is above half, else black.
api::ImagePixels targetShapePixels(const QImage& mask, int size);

QImage toQImage(const api::ImagePixels& pixels, int64_t index = 0);
api::ImagePixels fromQImage(const QImage& image, int channels, int size);  // converts and scales

class ImageEngine : public EngineWorker {
    Q_OBJECT
public:
    explicit ImageEngine(QObject* parent = nullptr);
    ~ImageEngine() override;  // stops the running job at its next step, then joins
    quint64 loadModel(const QString& path);
    // Returns the job id; every older job (waiting or running) is cancelled.
    quint64 request(ImageJob job);
    // Cancels every job requested so far (the running one stops at its next step).
    void cancelJobs() { m_latestCancel.cancel(); }
    int jobsRun() const { return m_jobs.load(); }

Q_SIGNALS:
    void modelLoaded(const ms::ImageModelInfo& info, quint64 serial);
    void modelLoadFailed(const QString& path, const QString& message);
    void preview(quint64 id, int step, int total, const QImage& image);
    void finished(const ms::ImageJobResult& result);

private:
    ImageJobResult run(const ImageJob& job);  // engine thread

    // Engine thread only:
    api::ImageSession m_session;
    quint64 m_serial = 0;
    // Any thread:
    LatestWinsSlot<ImageJob> m_slot;
    std::atomic<int> m_jobs{0};
    // GUI thread only:
    quint64 m_nextSerial = 1;
    quint64 m_nextId = 1;
    CancelToken m_latestCancel;  // the newest job's; every older one is cancelled already
};

}  // namespace ms

Q_DECLARE_METATYPE(ms::ImageJobResult)
Q_DECLARE_METATYPE(ms::ImageModelInfo)
