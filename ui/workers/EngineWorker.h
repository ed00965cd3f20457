#pragma once
// The one base of the studio's engines (training, settings search, image training, exploring,
// images): a thread of its own that runs the engine's work in order, one CancelToken for the
// running job, results and progress handed back to the GUI thread as queued calls, and a
// latest-wins hand-over for interactive requests. Nothing here is invoked by name.
//
// Rules for an engine built on it: worker-thread code touches only what post()/startJob()
// captured plus the members the engine reserves for its thread; it reports through toOwner();
// the engine's destructor calls stop() first, so no job outlives the members it uses.
#include <QObject>
#include <QString>
#include <QThread>

#include <exception>
#include <functional>
#include <memory>
#include <utility>

#include "core/runtime/CancelToken.h"
#include "ui/workers/LatestWinsSlot.h"

namespace ms {

class EngineWorker : public QObject {
    Q_OBJECT
public:
    ~EngineWorker() override;  // stop(), in case the engine has not

    // True from startJob() until its result (or failure) has been delivered.
    bool isRunning() const { return m_running; }
    // Asks the running job to stop at its next check (its token). GUI thread, like startJob().
    void cancel() { m_cancel.cancel(); }

Q_SIGNALS:
    // A job's exception, as one message (the job's own finished signal is not emitted).
    void failed(const QString& message);
    // After a job's result or failure has been delivered (isRunning() is false by then).
    void jobEnded();

protected:
    EngineWorker(const QString& threadName, QObject* parent);

    // Cancels the running job, lets the thread finish what it holds, and joins it. Idempotent.
    void stop();

    // Queues fn on the engine thread (after everything queued before it).
    void post(std::function<void()> fn);
    // At most this many intra-op threads for this engine's jobs (0: its share of the budget).
    void limitIntraOpThreads(int threads) { m_maxIntraOpThreads = threads; }
    // Any thread: runs fn on this object's (the GUI) thread, after everything handed back before.
    void toOwner(std::function<void()> fn);

    // The exclusive job: false (nothing started) while one is running. Otherwise work(token)
    // runs on the engine thread with a fresh CancelToken; its result reaches done() on the GUI
    // thread, an exception reaches failed(); either way isRunning() is false again by then.
    template <typename Result>
    bool startJob(std::function<Result(const CancelToken&)> work, std::function<void(Result)> done) {
        if (m_running) return false;
        m_running = true;
        m_cancel = CancelToken();
        post([this, work = std::move(work), done = std::move(done), cancel = m_cancel] {
            try {
                auto result = std::make_shared<Result>(work(cancel));
                toOwner([this, done, result] {
                    m_running = false;
                    done(std::move(*result));
                    Q_EMIT jobEnded();
                });
            } catch (const std::exception& e) {
                toOwner([this, message = QString::fromStdString(e.what())] {
                    m_running = false;
                    Q_EMIT failed(message);
                    Q_EMIT jobEnded();
                });
            }
        });
        return true;
    }

    // Latest wins: stores job in slot, replacing one still waiting, and wakes the engine thread
    // once per batch of offers; run() then gets only the newest.
    template <typename Job>
    void offerLatest(LatestWinsSlot<Job>& slot, Job job, std::function<void(const Job&)> run) {
        if (!slot.offer(std::move(job))) return;
        post([&slot, run = std::move(run)] {
            if (std::optional<Job> next = slot.take()) run(*next);
        });
    }

private:
    QThread m_thread;
    QObject* m_context;  // lives on m_thread: the receiver of post()
    CancelToken m_cancel;
    bool m_running = false;
    int m_maxIntraOpThreads = 0;
};

// A second thread for an engine that runs two things at once (the explore engine trains a
// design SFARM while it keeps generating): an EngineWorker whose jobs its owner starts.
class EngineJobThread : public EngineWorker {
    Q_OBJECT
public:
    explicit EngineJobThread(const QString& threadName, QObject* parent = nullptr) : EngineWorker(threadName, parent) {}
    ~EngineJobThread() override { stop(); }
    using EngineWorker::startJob;
    using EngineWorker::toOwner;
};

}  // namespace ms
