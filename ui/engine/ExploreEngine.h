#pragma once
// The engine thread for exploration: owns the loaded model and turns condition sets into
// drawn designs. Requests are coalesced (latest wins): while one generation runs, newer
// requests replace the waiting one, so a dragged slider never queues up work and the result
// always ends on the last state. The GUI thread never waits on it.
#include <QObject>
#include <QThread>

#include <atomic>
#include <thread>

#include "engine/EngineTypes.h"
#include "engine/LatestWinsSlot.h"

namespace ms {

class ExploreWorker : public QObject {
    Q_OBJECT
public:
    ExploreWorker();
    ~ExploreWorker() override;  // cancels and joins a design SFARM training
    // Thread-safe. Replaces any request still waiting; wakes the worker once.
    void submit(const GenerationJob& job);
    int generationsRun() const { return m_generations.load(); }

public Q_SLOTS:
    void loadModel(const QString& path, const QString& device, quint64 serial);
    // Trains the loaded model's design SFARM on its training designs on a thread of its own
    // (generations go on meanwhile) and installs it here when done; loading another model
    // cancels it. One at a time: a second request while one runs is ignored.
    void trainDesignSfarm(quint64 serial, int epochs);

Q_SIGNALS:
    void designSfarmProgress(int epoch, int epochs);
    void designSfarmTrained(const ms::ModelInfo& info, quint64 serial);
    void designSfarmFailed(const QString& message);
    void modelLoaded(const ms::ModelInfo& info, quint64 serial);
    void modelLoadFailed(const QString& path, const QString& message);
    void generated(const ms::GenerationOutput& output);

private:
    void processLatest();
    GenerationOutput run(const GenerationJob& job);

    void stopDesignSfarmTraining();

    ExploreSession m_session;
    quint64 m_serial = 0;
    std::thread m_sfarmTraining;
    CancelToken m_sfarmCancel;
    std::atomic<bool> m_sfarmRunning{false};
    LatestWinsSlot<GenerationJob> m_slot;
    std::atomic<int> m_generations{0};
};

// GUI-side handle: starts the thread, forwards signals, joins on destruction.
class ExploreEngine : public QObject {
    Q_OBJECT
public:
    explicit ExploreEngine(QObject* parent = nullptr);
    ~ExploreEngine() override;

    // Returns the serial that the matching modelLoaded will carry.
    quint64 loadModel(const QString& path, const QString& device = QStringLiteral("auto"));
    void requestGeneration(GenerationJob job);
    void trainDesignSfarm(quint64 modelSerial, int epochs);
    int generationsRun() const { return m_worker->generationsRun(); }
    quint64 requestsMade() const { return m_nextId - 1; }

Q_SIGNALS:
    void modelLoaded(const ms::ModelInfo& info, quint64 serial);
    void modelLoadFailed(const QString& path, const QString& message);
    void generated(const ms::GenerationOutput& output);
    void designSfarmProgress(int epoch, int epochs);
    void designSfarmTrained(const ms::ModelInfo& info, quint64 serial);
    void designSfarmFailed(const QString& message);

private:
    QThread m_thread;
    ExploreWorker* m_worker;
    quint64 m_nextSerial = 1;
    quint64 m_nextId = 1;
};

}  // namespace ms
