#pragma once
// Wall-clock seconds since construction (steady clock): the timing every job, benchmark and
// command reports.
#include <chrono>

namespace ms {

class Stopwatch {
public:
    double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count(); }
    double milliseconds() const { return 1000.0 * seconds(); }

private:
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

}  // namespace ms
