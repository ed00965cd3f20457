#include "ui/workers/TuneEngine.h"

namespace ms {

TuneEngine::TuneEngine(QObject* parent) : EngineWorker(QStringLiteral("maskstudio-tune"), parent) {}

TuneEngine::~TuneEngine() { stop(); }

bool TuneEngine::start(const api::TuneRequest& request) {
    return startJob<api::TuneOutcome>(
        [this, request](const CancelToken& cancel) {
            return api::runTuneJob(
                request, [this](const mcvae::TuningTrialReport& r) { toOwner([this, r] { Q_EMIT reported(r); }); }, cancel);
        },
        [this](api::TuneOutcome outcome) { Q_EMIT finished(outcome); });
}

}  // namespace ms
