#include "ui/workers/ConceptEngine.h"

#include <QDir>

#include <memory>

#include "core/io/ImagePack.h"
#include "ui/workers/ImageEngine.h"
#ifdef MASKSTUDIO_HAVE_IMAGING
#include "imaging/ImageFolderReader.h"
#endif

namespace ms {
namespace {

struct ConceptSummary {
    QString modelPath, concept;
    bool cancelled = false;
    QString text;
};

ImageSet readPrior(const QString& path) {
    if (path.endsWith(QLatin1String(".mspack"))) return loadImagePack(path.toStdString());
#ifdef MASKSTUDIO_HAVE_IMAGING
    imaging::ImageFolderOptions o;
    o.policy = imaging::ImageProblemPolicy::Skip;
    return imaging::readImageFolder(path.toStdString(), QDir(path).filePath(QStringLiteral("conditions.csv")).toStdString(), o).images;
#else
    throw std::runtime_error(path.toStdString() + ": this build reads no image folders (no OpenCV); use a .mspack");
#endif
}

}  // namespace

ConceptEngine::ConceptEngine(QObject* parent) : EngineWorker(QStringLiteral("maskstudio-concept"), parent) {}

ConceptEngine::~ConceptEngine() { stop(); }

bool ConceptEngine::start(api::ConceptRequest request, const QString& priorImages) {
    return startJob<ConceptSummary>(
        [this, request = std::move(request), priorImages](const CancelToken& cancel) mutable {
            ImageSet prior;
            request.prior = nullptr;
            if (!priorImages.isEmpty()) {
                prior = readPrior(priorImages);
                request.prior = &prior;
            }
            const api::ConceptResult r = api::learnConcept(request, [this](const api::ConceptProgress& p) {
                toOwner([this, stage = p.stage, step = static_cast<int>(p.step), steps = static_cast<int>(p.steps), loss = p.loss,
                         seconds = p.elapsedSeconds, preview = p.preview.count > 0 ? toQImage(p.preview) : QImage()] {
                    Q_EMIT progress(stage, step, steps, loss, seconds, preview);
                });
            }, cancel);
            ConceptSummary s{QString::fromStdString(r.modelPath), QString::fromStdString(request.name), r.cancelled, {}};
            const int done1 = static_cast<int>(r.stage1Loss.size()), done2 = static_cast<int>(r.stage2Loss.size());
            s.text = (r.cancelled ? ConceptEngine::tr("Cancelled; '%1' saved as learnt so far (stage 1: %2 steps, stage 2: %3 steps) in %4")
                                  : ConceptEngine::tr("Learnt '%1' (stage 1: %2 steps, stage 2: %3 steps) into %4"))
                         .arg(s.concept).arg(done1).arg(done2).arg(s.modelPath) +
                     ConceptEngine::tr(" in %1 s on %2%3").arg(r.seconds, 0, 'f', 1).arg(QString::fromStdString(r.deviceName))
                         .arg(request.prior ? ConceptEngine::tr(", with prior preservation") : QString());
            return s;
        },
        [this](ConceptSummary s) { Q_EMIT finished(s.modelPath, s.concept, s.cancelled, s.text); });
}

}  // namespace ms
