#include "engine/ExploreEngine.h"

#include <QElapsedTimer>
#include <QMutexLocker>

#include <algorithm>
#include <exception>
#include <stdexcept>

#include "data/DataError.h"
#include "geometry/DesignDrawing.h"

namespace ms {

ExploreWorker::ExploreWorker() { registerEngineMetaTypes(); }

ExploreWorker::~ExploreWorker() { stopDesignSfarmTraining(); }

void ExploreWorker::stopDesignSfarmTraining() {
    m_sfarmCancel.cancel();
    if (m_sfarmTraining.joinable()) m_sfarmTraining.join();
}

void ExploreWorker::submit(const GenerationJob& job) {
    if (m_slot.offer(job)) QMetaObject::invokeMethod(this, [this] { processLatest(); }, Qt::QueuedConnection);
}

void ExploreWorker::loadModel(const QString& path, const QString& device, quint64 serial) {
    if (m_sfarmRunning) stopDesignSfarmTraining();  // it was for the model being replaced
    try {
        const ModelInfo& info = m_session.load(path.toStdString(), device.toStdString());
        m_serial = serial;
        Q_EMIT modelLoaded(info, serial);
    } catch (const std::exception& e) {
        Q_EMIT modelLoadFailed(path, QString::fromStdString(e.what()));
    }
}

void ExploreWorker::trainDesignSfarm(quint64 serial, int epochs) {
    if (serial != m_serial || !m_session.loaded() || m_sfarmRunning) return;  // another model, or one is training
    std::shared_ptr<const ExploreSession::DesignSfarmJob> job;
    try {
        job = std::make_shared<const ExploreSession::DesignSfarmJob>(m_session.designSfarmJob());
    } catch (const std::exception& e) {
        Q_EMIT designSfarmFailed(QString::fromStdString(e.what()));
        return;
    }
    if (m_sfarmTraining.joinable()) m_sfarmTraining.join();  // the last run has finished
    m_sfarmCancel = CancelToken();
    m_sfarmRunning = true;
    m_sfarmTraining = std::thread([this, job, serial, epochs, cancel = m_sfarmCancel] {
        DesignSfarmSettings settings;
        settings.epochs = epochs;
        try {
            auto trained = job->run(settings, [this, epochs](int64_t epoch, double) {
                if (epoch % 10 == 0 || epoch == epochs) Q_EMIT designSfarmProgress(static_cast<int>(epoch), epochs);
            }, cancel);
            if (trained) {
                auto result = std::make_shared<ExploreSession::TrainedDesignSfarm>(std::move(*trained));
                QMetaObject::invokeMethod(this, [this, result, serial] {  // installed on the explore thread
                    m_sfarmRunning = false;
                    if (serial == m_serial && m_session.installDesignSfarm(std::move(*result)))
                        Q_EMIT designSfarmTrained(m_session.info(), serial);
                }, Qt::QueuedConnection);
                return;
            }
        } catch (const std::exception& e) {
            Q_EMIT designSfarmFailed(QString::fromStdString(e.what()));
        }
        m_sfarmRunning = false;
    });
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
        const ModelInfo& info = m_session.info();
        const Schema& schema = info.schema;
        const int shown = std::max(job.request.count, 1);
        const int spreadSamples = std::max(shown, kSpreadSamples);
        std::vector<std::vector<double>> samples;
        std::vector<DesignDetails> details;
        out.pinned = hasPins(job.pins);
        if (out.pinned) {
            if (!info.designSfarm) throw std::runtime_error("Pinned keypoints need a design SFARM: " + info.designSfarmNote);
            // Completions of the pins; unknown conditions are imputed too and drawn as such.
            ImputedDesigns imputed = m_session.designSfarm().impute({job.request.conditions, job.pins}, spreadSamples, job.request.seed);
            samples = std::move(imputed.designs);
            for (int i = 0; i < shown; ++i)
                details.push_back(designDetailsFrom(imputed.conditions[static_cast<std::size_t>(i)].textByColumn(schema)));
        } else {
            out.designs = m_session.generate(job.request);
            // Rim styles and bottles come from the conditions (unknown ones draw the defaults).
            details.assign(out.designs.size(), designDetailsFrom(job.request.conditions.textByColumn(schema)));
            if (job.request.latent == LatentMode::Sample && shown >= kSpreadSamples) {
                samples = out.designs;  // the shown samples are the spread
            } else {
                GenerationRequest spreadRequest = job.request;
                spreadRequest.count = spreadSamples;
                spreadRequest.latent = LatentMode::Sample;
                samples = m_session.generate(spreadRequest);
            }
        }
        if (!schema.keypoints.empty()) out.spread = keypointSpread(schema, samples);
        if (out.pinned) {
            samples.resize(static_cast<std::size_t>(shown));
            out.designs = std::move(samples);
        }
        out.drawings.reserve(out.designs.size());
        for (std::size_t i = 0; i < out.designs.size(); ++i)
            out.drawings.push_back(drawDesign(schema, out.designs[i], job.withLabels, details[i]));
        if (job.suggest && info.designSfarm) {
            const PartialDesign partial{job.request.conditions, job.pins};
            out.suggestions = m_session.designSfarm().rankUnknownConditions(partial, job.spreadTarget);
            out.designSpread = m_session.designSfarm().spread(partial, job.spreadTarget);
        }
        if (job.withReference && !out.designs.empty()) {
            if (auto nearest = m_session.nearestReference(out.designs.front())) {
                out.referenceDesign = std::move(*nearest);
                out.referenceDrawing = drawDesign(schema, out.referenceDesign, false, details.front());
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
    connect(m_worker, &ExploreWorker::designSfarmProgress, this, &ExploreEngine::designSfarmProgress);
    connect(m_worker, &ExploreWorker::designSfarmTrained, this, &ExploreEngine::designSfarmTrained);
    connect(m_worker, &ExploreWorker::designSfarmFailed, this, &ExploreEngine::designSfarmFailed);
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

void ExploreEngine::trainDesignSfarm(quint64 modelSerial, int epochs) {
    QMetaObject::invokeMethod(m_worker, "trainDesignSfarm", Qt::QueuedConnection, Q_ARG(quint64, modelSerial), Q_ARG(int, epochs));
}

void ExploreEngine::requestGeneration(GenerationJob job) {
    job.id = m_nextId++;
    m_worker->submit(job);
}

}  // namespace ms
