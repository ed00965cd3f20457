#include "engine/TuneEngine.h"

#include <exception>

namespace ms {

TuneWorker::TuneWorker() { registerEngineMetaTypes(); }

void TuneWorker::run(const TuneRequest& request) {
    try {
        const TuneOutcome outcome = runTuneJob(request, [this](const TuningTrialReport& r) { Q_EMIT reported(r); }, m_cancel);
        Q_EMIT finished(outcome);
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromStdString(e.what()));
    }
}

TuneEngine::TuneEngine(QObject* parent) : QObject(parent), m_worker(new TuneWorker) {
    m_thread.setObjectName(QStringLiteral("maskstudio-tune"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &TuneWorker::reported, this, &TuneEngine::reported);
    connect(m_worker, &TuneWorker::finished, this, [this](const TuneOutcome& o) {
        m_running = false;
        Q_EMIT finished(o);
    });
    connect(m_worker, &TuneWorker::failed, this, [this](const QString& message) {
        m_running = false;
        Q_EMIT failed(message);
    });
    m_thread.start();
}

TuneEngine::~TuneEngine() {
    m_worker->cancel();
    m_thread.quit();
    m_thread.wait();
}

bool TuneEngine::start(const TuneRequest& request) {
    if (m_running) return false;
    m_running = true;
    m_worker->rearm();
    QMetaObject::invokeMethod(m_worker, [w = m_worker, request] { w->run(request); }, Qt::QueuedConnection);
    return true;
}

void TuneEngine::cancel() {
    if (m_running) m_worker->cancel();
}

}  // namespace ms
