#include "partial/ContextMasks.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace ms::partial {

std::vector<int64_t> keypointGroups(int64_t keypoints, int64_t singles) {
    std::vector<int64_t> groups;
    groups.reserve(static_cast<std::size_t>(2 * keypoints + singles));
    for (int64_t k = 0; k < keypoints; ++k) groups.insert(groups.end(), {k, k});
    for (int64_t j = 0; j < singles; ++j) groups.push_back(keypoints + j);
    return groups;
}

int64_t groupCount(const std::vector<int64_t>& groupOf, int64_t entries) {
    if (groupOf.empty()) return entries;
    return *std::max_element(groupOf.begin(), groupOf.end()) + 1;
}

void checkContextSettings(const ContextSettings& settings, int64_t entries) {
    if (!(settings.delta >= 0.0 && settings.delta < 1.0))
        throw std::invalid_argument("context drop probability delta must be in [0, 1), got " + std::to_string(settings.delta));
    if (!settings.groupOf.empty() && static_cast<int64_t>(settings.groupOf.size()) != entries)
        throw std::invalid_argument("context groups name " + std::to_string(settings.groupOf.size()) + " entries, the data has " +
                                    std::to_string(entries));
}

at::Tensor drawContextMask(const at::Tensor& observed, const ContextSettings& settings, at::Generator& generator) {
    const int64_t rows = observed.size(0), entries = observed.size(1);
    checkContextSettings(settings, entries);
    const int64_t groups = groupCount(settings.groupOf, entries);
    const auto cpu = at::TensorOptions().dtype(at::kFloat);
    at::Tensor keepGroup = (at::rand({rows, groups}, generator, cpu) >= settings.delta).to(at::kFloat);
    if (!settings.groupOf.empty()) {
        const at::Tensor index = at::tensor(settings.groupOf, at::TensorOptions().dtype(at::kLong));
        keepGroup = keepGroup.index_select(1, index);
    }
    return observed * keepGroup.to(observed.device());
}

}  // namespace ms::partial
