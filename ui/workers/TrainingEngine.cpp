#include "ui/workers/TrainingEngine.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <limits>

#include "core/runtime/Stopwatch.h"

namespace ms {

namespace {

// Collects every epoch's record and hands them over at most ~30 times a second (and always at the
// last epoch), so the GUI thread is not flooded by short epochs.
class ThrottledProgress {
public:
    using Emit = std::function<void(const TrainingProgress&, std::vector<EpochRecord>)>;
    explicit ThrottledProgress(Emit send) : m_emit(std::move(send)) {}

    void operator()(const TrainingProgress& p) {
        m_pending.push_back(p.record);
        const Clock::time_point now = Clock::now();
        if (p.epoch != p.epochs && now - m_lastEmit < std::chrono::milliseconds(33)) return;
        m_lastEmit = now;
        m_emit(p, std::move(m_pending));
        m_pending.clear();
    }

private:
    using Clock = std::chrono::steady_clock;
    Emit m_emit;
    Clock::time_point m_lastEmit{};
    std::vector<EpochRecord> m_pending;
};

}  // namespace

TrainingEngine::TrainingEngine(QObject* parent) : EngineWorker(QStringLiteral("maskstudio-training"), parent) {}

TrainingEngine::~TrainingEngine() { stop(); }

bool TrainingEngine::start(const api::TrainRequest& request) {
    const bool started = startJob<api::TrainRunOutcome>(
        [this, request](const CancelToken& cancel) {
            ThrottledProgress progress([this](const TrainingProgress& p, std::vector<EpochRecord> records) {
                toOwner([this, p, records = std::move(records)] { Q_EMIT progressed(p, records); });
            });
            return api::trainToFile(request, std::ref(progress), cancel);
        },
        [this](api::TrainRunOutcome outcome) { Q_EMIT finished(outcome); });
    if (started) Q_EMIT this->started(request);
    return started;
}

bool TrainingEngine::startPartial(const api::PartialTrainRequest& request, int64_t rows) {
    const int64_t epochs = api::partialTrainingEpochs(rows, request);
    return startJob<api::PartialTrainResult>(
        [this, request, rows, epochs](const CancelToken& cancel) {
            api::PartialTrainRequest withPreview = request;
            withPreview.onPartition = [this](const api::GapPreview& preview) {
                toOwner([this, preview] { Q_EMIT partitionChosen(preview); });
            };
            ThrottledProgress progress([this](const TrainingProgress& p, std::vector<EpochRecord> records) {
                toOwner([this, p, records = std::move(records)] { Q_EMIT progressed(p, records); });
            });
            const Stopwatch clock;
            return api::trainPartialOnCsv(
                withPreview,
                [&](int64_t epoch, double loss) {
                    TrainingProgress p;
                    p.epoch = epoch;
                    p.epochs = std::max(epochs, epoch);
                    p.elapsedSeconds = clock.seconds();
                    p.samplesPerSecond = static_cast<double>(epoch * rows) / std::max(p.elapsedSeconds, 1e-9);
                    p.record.epoch = epoch;
                    p.record.reconstruction = loss;
                    p.record.kl = std::numeric_limits<double>::quiet_NaN();
                    p.record.sparsity = std::numeric_limits<double>::quiet_NaN();
                    progress(p);
                },
                cancel);
        },
        [this, path = QString::fromStdString(request.outPath)](api::PartialTrainResult result) {
            Q_EMIT partialFinished(result, path);
        });
}

}  // namespace ms
