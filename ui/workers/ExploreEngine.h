#pragma once
// The engine thread for exploration: owns the loaded model and turns condition sets into
// drawn designs (through api::ExploreSession). Requests are coalesced (latest wins): while one
// generation runs, newer requests replace the waiting one, so a dragged slider never queues up
// work and the result always ends on the last state. The GUI thread never waits on it. A
// design SFARM trains on a second thread, so generations go on meanwhile.
#include <QObject>

#include <atomic>

#include "ui/workers/EngineTypes.h"
#include "ui/workers/EngineWorker.h"
#include "ui/workers/LatestWinsSlot.h"

namespace ms {

class ExploreEngine : public EngineWorker {
    Q_OBJECT
public:
    explicit ExploreEngine(QObject* parent = nullptr);
    ~ExploreEngine() override;  // cancels a design SFARM training, then joins both threads

    // Returns the serial that the matching modelLoaded will carry. Cancels a design SFARM
    // training for the model being replaced.
    quint64 loadModel(const QString& path, const QString& device = QStringLiteral("auto"));
    void requestGeneration(GenerationJob job);
    // Trains the loaded model's design SFARM on its training designs and installs it when done;
    // loading another model cancels it. One at a time: a request while one runs is ignored.
    void trainDesignSfarm(quint64 modelSerial, int epochs);
    int generationsRun() const { return m_generations.load(); }
    quint64 requestsMade() const { return m_nextId - 1; }

Q_SIGNALS:
    void modelLoaded(const ms::api::ModelInfo& info, quint64 serial);
    void modelLoadFailed(const QString& path, const QString& message);
    void generated(const ms::GenerationOutput& output);
    void designSfarmProgress(int epoch, int epochs);
    void designSfarmTrained(const ms::api::ModelInfo& info, quint64 serial);
    void designSfarmFailed(const QString& message);

private:
    GenerationOutput run(const GenerationJob& job);  // engine thread
    void startDesignSfarmTraining(api::ExploreSession::DesignSfarmJob job, quint64 serial, int epochs);  // GUI thread

    // Engine thread only:
    api::ExploreSession m_session;
    quint64 m_serial = 0;
    // Any thread:
    LatestWinsSlot<GenerationJob> m_slot;
    std::atomic<int> m_generations{0};
    // GUI thread only:
    quint64 m_nextSerial = 1;
    quint64 m_nextId = 1;
    EngineJobThread m_designSfarm;
};

}  // namespace ms
