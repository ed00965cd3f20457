#pragma once
// Cooperative cancellation shared between the thread that owns a job and whoever may stop it.
// Long jobs check it between steps; a cancelled job leaves its last complete checkpoint intact.
#include <atomic>
#include <memory>

namespace ms {

class CancelToken {
public:
    void cancel() { m_cancelled->store(true, std::memory_order_relaxed); }
    bool cancelled() const { return m_cancelled->load(std::memory_order_relaxed); }
    void reset() { m_cancelled->store(false, std::memory_order_relaxed); }

private:
    // Shared so copies of a token (one per job, one in the UI) observe the same flag.
    std::shared_ptr<std::atomic<bool>> m_cancelled = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace ms
