#include "core/runtime/DeadlineCancel.h"

#include <chrono>
#include <cmath>

namespace ms {

DeadlineCancel::DeadlineCancel(const CancelToken& parent, double seconds) {
    using Clock = std::chrono::steady_clock;
    const bool limited = seconds > 0 && std::isfinite(seconds);
    const auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limited ? seconds : 0.0));
    m_watch = std::thread([this, parent, limited, end] {
        while (!m_done.load()) {
            if (parent.cancelled()) {
                m_token.cancel();
                return;
            }
            if (limited && Clock::now() >= end) {
                m_expired = true;
                m_token.cancel();
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });
}

DeadlineCancel::~DeadlineCancel() {
    m_done = true;
    m_watch.join();
}

}  // namespace ms
