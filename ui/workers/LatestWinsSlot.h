#pragma once
// The hand-over between the GUI thread and an engine worker when only the newest request
// matters: offering a job replaces the one still waiting, and the worker is woken once per
// batch of offers. Thread-safe.
#include <QMutex>
#include <QMutexLocker>

#include <optional>

namespace ms {

template <typename Job>
class LatestWinsSlot {
public:
    // Stores the job; true when the caller must queue one wake-up of the worker.
    bool offer(Job job) {
        QMutexLocker lock(&m_mutex);
        m_pending = std::move(job);
        if (m_wakeQueued) return false;
        m_wakeQueued = true;
        return true;
    }
    // The newest job, if any (called by the woken worker).
    std::optional<Job> take() {
        QMutexLocker lock(&m_mutex);
        m_wakeQueued = false;
        std::optional<Job> job = std::move(m_pending);
        m_pending.reset();
        return job;
    }

private:
    QMutex m_mutex;
    std::optional<Job> m_pending;
    bool m_wakeQueued = false;
};

}  // namespace ms
