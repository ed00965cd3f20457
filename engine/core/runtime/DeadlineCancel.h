#pragma once
// A CancelToken that trips when its parent does or when a time limit has passed: hand it to a job
// that only knows how to be cancelled, to stop it at a deadline too. A watcher thread checks
// every 20 ms; it is joined when this object goes.
#include <atomic>
#include <thread>

#include "core/runtime/CancelToken.h"

namespace ms {

class DeadlineCancel {
public:
    // seconds from now; <= 0 (or infinite): no deadline, only the parent.
    DeadlineCancel(const CancelToken& parent, double seconds);
    ~DeadlineCancel();
    DeadlineCancel(const DeadlineCancel&) = delete;
    DeadlineCancel& operator=(const DeadlineCancel&) = delete;

    const CancelToken& token() const { return m_token; }
    // The deadline tripped it (not the parent).
    bool expired() const { return m_expired.load(); }

private:
    CancelToken m_token;
    std::atomic<bool> m_expired{false};
    std::atomic<bool> m_done{false};
    std::thread m_watch;
};

}  // namespace ms
