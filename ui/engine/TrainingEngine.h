#pragma once
// The training thread: one run at a time, separate from the exploration thread so the user keeps
// exploring the current model while a new one trains. Progress arrives throttled (at most ~30
// signals a second) but with every epoch's record, so the curves have every point.
#include <QObject>
#include <QThread>

#include <atomic>
#include <vector>

#include "engine/EngineTypes.h"
#include "runtime/CancelToken.h"

namespace ms {

class TrainingWorker : public QObject {
    Q_OBJECT
public:
    TrainingWorker();
    void cancel() { m_cancel.cancel(); }  // any thread
    void rearm() { m_cancel.reset(); }    // before queueing a run, so an early cancel sticks

public Q_SLOTS:
    void run(const ms::TrainRequest& request);

Q_SIGNALS:
    void progressed(const ms::TrainingProgress& latest, const std::vector<ms::EpochRecord>& newRecords);
    void finished(const ms::TrainRunOutcome& outcome);
    void failed(const QString& message);

private:
    CancelToken m_cancel;
};

class TrainingEngine : public QObject {
    Q_OBJECT
public:
    explicit TrainingEngine(QObject* parent = nullptr);
    ~TrainingEngine() override;  // cancels a running job, then joins

    // False (and nothing started) while a run is going.
    bool start(const TrainRequest& request);
    void cancel();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void started(const ms::TrainRequest& request);
    void progressed(const ms::TrainingProgress& latest, const std::vector<ms::EpochRecord>& newRecords);
    void finished(const ms::TrainRunOutcome& outcome);
    void failed(const QString& message);

private:
    QThread m_thread;
    TrainingWorker* m_worker;
    bool m_running = false;
};

}  // namespace ms
