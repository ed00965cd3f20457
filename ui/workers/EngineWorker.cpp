#include "ui/workers/EngineWorker.h"

#include "core/runtime/ThreadBudget.h"
#include "ui/workers/EngineTypes.h"

namespace ms {

EngineWorker::EngineWorker(const QString& threadName, QObject* parent) : QObject(parent), m_context(new QObject) {
    registerEngineMetaTypes();
    m_thread.setObjectName(threadName);
    m_context->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

EngineWorker::~EngineWorker() { stop(); }

void EngineWorker::stop() {
    m_cancel.cancel();
    m_thread.requestInterruption();
    m_thread.quit();
    m_thread.wait();
}

void EngineWorker::post(std::function<void()> fn) {
    // While it runs, the job counts as a busy worker of the process's thread budget: the
    // studio's workers divide the cores among them instead of each taking all of them.
    QMetaObject::invokeMethod(
        m_context,
        [fn = std::move(fn), maxThreads = m_maxIntraOpThreads] {
            const ThreadBudget::Lease lease(ThreadBudget::process(), maxThreads);
            fn();
        },
        Qt::QueuedConnection);
}

void EngineWorker::toOwner(std::function<void()> fn) {
    QMetaObject::invokeMethod(this, std::move(fn), Qt::QueuedConnection);
}

}  // namespace ms
