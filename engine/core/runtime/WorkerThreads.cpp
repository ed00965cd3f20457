#include "core/runtime/WorkerThreads.h"

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

namespace ms {

void runOnThreads(int threads, const std::function<void()>& onStart, const std::function<void()>& work) {
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i)
        pool.emplace_back([&] {
            if (onStart) onStart();
            work();
        });
    for (auto& t : pool) t.join();
}

void parallelFor(int64_t n, int threads, const std::function<void()>& onStart, const std::function<void(int64_t)>& task) {
    std::mutex mutex;
    int64_t next = 0;
    runOnThreads(static_cast<int>(std::min<int64_t>(threads, n)), onStart, [&] {
        for (;;) {
            int64_t i;
            {
                const std::lock_guard<std::mutex> lock(mutex);
                if (next >= n) return;
                i = next++;
            }
            task(i);
        }
    });
}

}  // namespace ms
