#include "engine/TrainingEngine.h"

#include <chrono>
#include <exception>

namespace ms {

TrainingWorker::TrainingWorker() { registerEngineMetaTypes(); }

void TrainingWorker::run(const TrainRequest& request) {
    using Clock = std::chrono::steady_clock;
    Clock::time_point lastEmit{};
    std::vector<EpochRecord> pending;
    auto onProgress = [&](const TrainingProgress& p) {
        pending.push_back(p.record);
        const Clock::time_point now = Clock::now();
        if (p.epoch != p.epochs && now - lastEmit < std::chrono::milliseconds(33)) return;
        lastEmit = now;
        Q_EMIT progressed(p, pending);
        pending.clear();
    };
    try {
        TrainRunOutcome outcome = trainToFile(request, onProgress, m_cancel);
        Q_EMIT finished(outcome);
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromStdString(e.what()));
    }
}

TrainingEngine::TrainingEngine(QObject* parent) : QObject(parent), m_worker(new TrainingWorker) {
    m_thread.setObjectName(QStringLiteral("maskstudio-training"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &TrainingWorker::progressed, this, &TrainingEngine::progressed);
    connect(m_worker, &TrainingWorker::finished, this, [this](const TrainRunOutcome& o) {
        m_running = false;
        Q_EMIT finished(o);
    });
    connect(m_worker, &TrainingWorker::failed, this, [this](const QString& message) {
        m_running = false;
        Q_EMIT failed(message);
    });
    m_thread.start();
}

TrainingEngine::~TrainingEngine() {
    m_worker->cancel();
    m_thread.requestInterruption();
    m_thread.quit();
    m_thread.wait();
}

bool TrainingEngine::start(const TrainRequest& request) {
    if (m_running) return false;
    m_running = true;
    m_worker->rearm();
    QMetaObject::invokeMethod(m_worker, "run", Qt::QueuedConnection, Q_ARG(ms::TrainRequest, request));
    Q_EMIT started(request);
    return true;
}

void TrainingEngine::cancel() {
    if (m_running) m_worker->cancel();
}

}  // namespace ms
