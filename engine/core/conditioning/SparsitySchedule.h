#pragma once
// Sparsity schedules of the masked-conditioning paper (arXiv 2505.16725, §3.2, eq. 5): the
// probability p_t that a condition is masked at gradient update t of T. Stepped per update.
#include <cstdint>
#include <string>

namespace ms {

enum class ScheduleKind { Constant, Step, Linear, Exponential, Cosine };

struct SparsitySchedule {
    ScheduleKind kind = ScheduleKind::Linear;
    double start = 0.1;  // p at t = 0 (for Constant, the value)
    double end = 0.2;    // p approached at t = T
    int segments = 4;    // Step only: number of equal segments N

    // p_t for update t in [0, totalSteps]; t beyond T is clamped.
    double at(std::int64_t step, std::int64_t totalSteps) const;
    // Empty when valid, else a message naming the bad parameter.
    std::string validate() const;
    std::string describe() const;  // e.g. "linear 0.10 -> 0.20"

    static ScheduleKind parseKind(const std::string& name);  // throws std::invalid_argument
    static std::string kindName(ScheduleKind kind);
};

}  // namespace ms
