#include "ui/workers/ExploreEngine.h"

#include <QElapsedTimer>

#include <exception>
#include <memory>
#include <optional>

namespace ms {

ExploreEngine::ExploreEngine(QObject* parent)
    : EngineWorker(QStringLiteral("maskstudio-explore"), parent), m_designSfarm(QStringLiteral("maskstudio-design-sfarm")) {
    connect(&m_designSfarm, &EngineJobThread::failed, this, &ExploreEngine::designSfarmFailed);
    // Its models are small (an mcVAE decoder, the design SFARM's MLP): a second thread costs more
    // than it brings. bench_studio, pin drag engine time p50: 7.5 ms on one thread, 11.8 on two.
    limitIntraOpThreads(1);
}

ExploreEngine::~ExploreEngine() {
    m_designSfarm.cancel();
    stop();
}

quint64 ExploreEngine::loadModel(const QString& path, const QString& device) {
    const quint64 serial = m_nextSerial++;
    m_designSfarm.cancel();  // it was for the model being replaced
    post([this, path, device, serial] {
        try {
            const api::ModelInfo& info = m_session.load(path.toStdString(), device.toStdString());
            m_serial = serial;
            toOwner([this, info, serial] { Q_EMIT modelLoaded(info, serial); });
        } catch (const std::exception& e) {
            toOwner([this, path, message = QString::fromStdString(e.what())] { Q_EMIT modelLoadFailed(path, message); });
        }
    });
    return serial;
}

void ExploreEngine::requestGeneration(GenerationJob job) {
    job.id = m_nextId++;
    offerLatest<GenerationJob>(m_slot, std::move(job), [this](const GenerationJob& next) {
        if (next.modelSerial != m_serial || !m_session.loaded()) return;  // made for another model
        toOwner([this, output = run(next)] { Q_EMIT generated(output); });
    });
}

void ExploreEngine::trainDesignSfarm(quint64 modelSerial, int epochs) {
    if (m_designSfarm.isRunning()) return;
    post([this, modelSerial, epochs] {
        if (modelSerial != m_serial || !m_session.loaded()) return;  // another model by now
        try {
            api::ExploreSession::DesignSfarmJob job = m_session.designSfarmJob();
            toOwner([this, job = std::move(job), modelSerial, epochs]() mutable {
                startDesignSfarmTraining(std::move(job), modelSerial, epochs);
            });
        } catch (const std::exception& e) {
            toOwner([this, message = QString::fromStdString(e.what())] { Q_EMIT designSfarmFailed(message); });
        }
    });
}

void ExploreEngine::startDesignSfarmTraining(api::ExploreSession::DesignSfarmJob job, quint64 serial, int epochs) {
    if (serial != m_nextSerial - 1) return;  // another model was requested meanwhile
    using Trained = std::optional<api::ExploreSession::TrainedDesignSfarm>;
    m_designSfarm.startJob<std::shared_ptr<Trained>>(
        [this, job = std::move(job), epochs](const CancelToken& cancel) {
            sfarm::DesignSfarmSettings settings;
            settings.epochs = epochs;
            return std::make_shared<Trained>(job.run(settings, [this, epochs](int64_t epoch, double) {
                if (epoch % 10 == 0 || epoch == epochs)
                    toOwner([this, epoch = static_cast<int>(epoch), epochs] { Q_EMIT designSfarmProgress(epoch, epochs); });
            }, cancel));
        },
        [this, serial](std::shared_ptr<Trained> trained) {
            if (!*trained) return;  // cancelled
            post([this, trained, serial] {  // installed on the explore thread
                if (serial == m_serial && m_session.installDesignSfarm(std::move(**trained)))
                    toOwner([this, info = m_session.info(), serial] { Q_EMIT designSfarmTrained(info, serial); });
            });
        });
}

GenerationOutput ExploreEngine::run(const GenerationJob& job) {
    QElapsedTimer timer;
    timer.start();
    GenerationOutput out;
    try {
        static_cast<api::ExploreView&>(out) = m_session.explore(job);
    } catch (const std::exception& e) {
        out.error = QString::fromStdString(e.what());
    }
    out.id = job.id;
    out.modelSerial = job.modelSerial;
    out.request = job.request;
    m_generations.fetch_add(1);
    out.milliseconds = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    return out;
}

}  // namespace ms
