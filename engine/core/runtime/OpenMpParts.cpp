#include "core/runtime/OpenMpParts.h"

#include <omp.h>

#include <exception>
#include <vector>

namespace ms {

void runOpenMpParts(int64_t parts, const std::function<void(int64_t)>& part) {
    if (parts < 2 || omp_in_parallel()) {
        for (int64_t i = 0; i < parts; ++i) part(i);
        return;
    }
    std::vector<std::exception_ptr> errors(static_cast<size_t>(parts));
#pragma omp parallel for num_threads(static_cast<int>(parts)) schedule(static, 1)
    for (int64_t i = 0; i < parts; ++i) {
        try {
            part(i);
        } catch (...) {
            errors[static_cast<size_t>(i)] = std::current_exception();
        }
    }
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
}

}  // namespace ms
