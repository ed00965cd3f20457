#include "core/conditioning/SparsitySchedule.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace ms {

double SparsitySchedule::at(std::int64_t step, std::int64_t totalSteps) const {
    const double T = static_cast<double>(std::max<std::int64_t>(totalSteps, 1));
    const double t = std::clamp(static_cast<double>(step), 0.0, T);
    const double span = end - start;
    switch (kind) {
    case ScheduleKind::Constant:
        return start;
    case ScheduleKind::Step: {
        // Segment i (1-based) of N uses start + (i - 1) * span / N (paper §3.2).
        const int n = std::max(segments, 1);
        const int i = std::min(static_cast<int>(t / T * n), n - 1) + 1;
        return start + (i - 1) * span / n;
    }
    case ScheduleKind::Linear:
        return start + span * (t / T);
    case ScheduleKind::Exponential:
        return start + span * (1.0 - std::exp(-t / T));  // paper eq. 5
    case ScheduleKind::Cosine:
        // Cosine annealing from start to end (the authors' code's extra schedule).
        return end + 0.5 * (start - end) * (1.0 + std::cos(M_PI * t / T));
    }
    return start;
}

std::string SparsitySchedule::validate() const {
    auto inUnit = [](double v) { return std::isfinite(v) && v >= 0.0 && v <= 1.0; };
    if (!inUnit(start)) return "sparsity start must be in [0, 1], got " + std::to_string(start);
    if (!inUnit(end)) return "sparsity end must be in [0, 1], got " + std::to_string(end);
    if (kind == ScheduleKind::Step && (segments < 1 || segments > 100000))
        return "step schedule needs 1 or more segments, got " + std::to_string(segments);
    return {};
}

std::string SparsitySchedule::describe() const {
    char buf[96];
    if (kind == ScheduleKind::Constant)
        std::snprintf(buf, sizeof buf, "constant %.2f", start);
    else if (kind == ScheduleKind::Step)
        std::snprintf(buf, sizeof buf, "step(%d) %.2f -> %.2f", segments, start, end);
    else
        std::snprintf(buf, sizeof buf, "%s %.2f -> %.2f", kindName(kind).c_str(), start, end);
    return buf;
}

ScheduleKind SparsitySchedule::parseKind(const std::string& name) {
    if (name == "constant") return ScheduleKind::Constant;
    if (name == "step") return ScheduleKind::Step;
    if (name == "linear") return ScheduleKind::Linear;
    if (name == "exponential" || name == "exp") return ScheduleKind::Exponential;
    if (name == "cosine") return ScheduleKind::Cosine;
    throw std::invalid_argument("unknown sparsity schedule '" + name +
                                "': use constant, step, linear, exponential or cosine");
}

std::string SparsitySchedule::kindName(ScheduleKind kind) {
    switch (kind) {
    case ScheduleKind::Constant: return "constant";
    case ScheduleKind::Step: return "step";
    case ScheduleKind::Linear: return "linear";
    case ScheduleKind::Exponential: return "exponential";
    case ScheduleKind::Cosine: return "cosine";
    }
    return "?";
}

}  // namespace ms
