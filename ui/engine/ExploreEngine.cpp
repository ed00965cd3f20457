#include "engine/ExploreEngine.h"

#include <QElapsedTimer>
#include <QMutexLocker>

#include <exception>

#include "data/DataError.h"
#include "geometry/DesignDrawing.h"

namespace ms {

ExploreWorker::ExploreWorker() { registerEngineMetaTypes(); }

void ExploreWorker::submit(const GenerationJob& job) {
    if (m_slot.offer(job)) QMetaObject::invokeMethod(this, [this] { processLatest(); }, Qt::QueuedConnection);
}

void ExploreWorker::loadModel(const QString& path, const QString& device, quint64 serial) {
    try {
        const ModelInfo& info = m_session.load(path.toStdString(), device.toStdString());
        m_serial = serial;
        Q_EMIT modelLoaded(info, serial);
    } catch (const std::exception& e) {
        Q_EMIT modelLoadFailed(path, QString::fromStdString(e.what()));
    }
}

void ExploreWorker::processLatest() {
    const std::optional<GenerationJob> next = m_slot.take();
    if (!next) return;
    const GenerationJob& job = *next;
    if (job.modelSerial != m_serial || !m_session.loaded()) return;  // made for another model
    Q_EMIT generated(run(job));
}

GenerationOutput ExploreWorker::run(const GenerationJob& job) {
    QElapsedTimer timer;
    timer.start();
    GenerationOutput out;
    out.id = job.id;
    out.modelSerial = job.modelSerial;
    out.request = job.request;
    try {
        const Schema& schema = m_session.info().schema;
        out.designs = m_session.generate(job.request);
        out.drawings.reserve(out.designs.size());
        // Rim styles and bottles come from the conditions (unknown ones draw the defaults).
        const DesignDetails details = designDetailsFrom(job.request.conditions.textByColumn(schema));
        for (const auto& design : out.designs) out.drawings.push_back(drawDesign(schema, design, job.withLabels, details));
        if (job.withReference && !out.designs.empty()) {
            if (auto nearest = m_session.nearestReference(out.designs.front())) {
                out.referenceDesign = std::move(*nearest);
                out.referenceDrawing = drawDesign(schema, out.referenceDesign, false, details);
            }
        }
    } catch (const std::exception& e) {
        out.error = QString::fromStdString(e.what());
    }
    m_generations.fetch_add(1);
    out.milliseconds = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    return out;
}

ExploreEngine::ExploreEngine(QObject* parent) : QObject(parent), m_worker(new ExploreWorker) {
    m_thread.setObjectName(QStringLiteral("maskstudio-explore"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &ExploreWorker::modelLoaded, this, &ExploreEngine::modelLoaded);
    connect(m_worker, &ExploreWorker::modelLoadFailed, this, &ExploreEngine::modelLoadFailed);
    connect(m_worker, &ExploreWorker::generated, this, &ExploreEngine::generated);
    m_thread.start();
}

ExploreEngine::~ExploreEngine() {
    m_thread.requestInterruption();
    m_thread.quit();
    m_thread.wait();
}

quint64 ExploreEngine::loadModel(const QString& path, const QString& device) {
    const quint64 serial = m_nextSerial++;
    QMetaObject::invokeMethod(m_worker, "loadModel", Qt::QueuedConnection, Q_ARG(QString, path),
                              Q_ARG(QString, device), Q_ARG(quint64, serial));
    return serial;
}

void ExploreEngine::requestGeneration(GenerationJob job) {
    job.id = m_nextId++;
    m_worker->submit(job);
}

}  // namespace ms
