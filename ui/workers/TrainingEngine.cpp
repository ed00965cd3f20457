#include "ui/workers/TrainingEngine.h"

#include <chrono>

namespace ms {

TrainingEngine::TrainingEngine(QObject* parent) : EngineWorker(QStringLiteral("maskstudio-training"), parent) {}

TrainingEngine::~TrainingEngine() { stop(); }

bool TrainingEngine::start(const api::TrainRequest& request) {
    const bool started = startJob<api::TrainRunOutcome>(
        [this, request](const CancelToken& cancel) {
            using Clock = std::chrono::steady_clock;
            Clock::time_point lastEmit{};
            std::vector<EpochRecord> pending;
            auto onProgress = [&](const TrainingProgress& p) {
                pending.push_back(p.record);
                const Clock::time_point now = Clock::now();
                if (p.epoch != p.epochs && now - lastEmit < std::chrono::milliseconds(33)) return;
                lastEmit = now;
                toOwner([this, p, records = std::move(pending)] { Q_EMIT progressed(p, records); });
                pending.clear();
            };
            return api::trainToFile(request, onProgress, cancel);
        },
        [this](api::TrainRunOutcome outcome) { Q_EMIT finished(outcome); });
    if (started) Q_EMIT this->started(request);
    return started;
}

}  // namespace ms
