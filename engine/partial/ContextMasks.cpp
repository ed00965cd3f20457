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

at::Tensor groupObserved(const at::Tensor& observed, const std::vector<int64_t>& groupOf) {
    const at::Tensor entries = (observed > 0.5).to(at::kFloat);
    if (groupOf.empty()) return entries;
    if (static_cast<int64_t>(groupOf.size()) != observed.size(1))
        throw std::invalid_argument("groups name " + std::to_string(groupOf.size()) + " entries, the masks have " +
                                    std::to_string(observed.size(1)));
    const at::Tensor index = at::tensor(groupOf, at::TensorOptions().dtype(at::kLong)).to(observed.device());
    const at::Tensor membership = at::one_hot(index, groupCount(groupOf, observed.size(1))).to(entries.dtype());  // [D, G]
    return (entries.matmul(membership) > membership.sum(0) - 0.5).to(at::kFloat);
}

at::Tensor entriesOfGroups(const at::Tensor& groupMasks, const std::vector<int64_t>& groupOf) {
    if (groupOf.empty()) return groupMasks;
    return groupMasks.index_select(1, at::tensor(groupOf, at::TensorOptions().dtype(at::kLong)).to(groupMasks.device()));
}

void checkContextSettings(const ContextSettings& settings, int64_t entries) {
    if (!(settings.delta >= 0.0 && settings.delta < 1.0))
        throw std::invalid_argument("context drop probability delta must be in [0, 1), got " + std::to_string(settings.delta));
    if (!settings.groupOf.empty() && static_cast<int64_t>(settings.groupOf.size()) != entries)
        throw std::invalid_argument("context groups name " + std::to_string(settings.groupOf.size()) + " entries, the data has " +
                                    std::to_string(entries));
    if (!(settings.blockShare >= 0.0 && settings.blockShare <= 1.0))
        throw std::invalid_argument("context block share must be in [0, 1], got " + std::to_string(settings.blockShare));
    if (settings.priorPool.defined() && (settings.priorPool.dim() != 2 || settings.priorPool.size(0) < 1 ||
                                         settings.priorPool.size(1) != entries))
        throw std::invalid_argument("the mask prior's pool must be [masks, " + std::to_string(entries) + "]");
    if (settings.blockShare > 0.0) {
        const ImageShape& im = settings.image;
        if (im.entries() != entries || im.height < 1 || im.width < 1)
            throw std::invalid_argument("context blocks need the image shape of the data (" + std::to_string(entries) + " entries)");
        if (settings.blockSide < 1 || settings.blockSide > std::min(im.height, im.width))
            throw std::invalid_argument("context block side " + std::to_string(settings.blockSide) + " does not fit a " +
                                        std::to_string(im.height) + " x " + std::to_string(im.width) + " image");
    }
}

namespace {

// [rows, D] float: 1 outside one blockSide square per row (all channels), 0 inside; the square at a
// uniformly random position.
at::Tensor blockKeep(int64_t rows, const ContextSettings& s, at::Generator& generator) {
    const ImageShape& im = s.image;
    const auto longs = at::TensorOptions().dtype(at::kLong);
    const at::Tensor top = at::randint(im.height - s.blockSide + 1, {rows, 1, 1}, generator, longs);
    const at::Tensor left = at::randint(im.width - s.blockSide + 1, {rows, 1, 1}, generator, longs);
    const at::Tensor y = at::arange(im.height, longs).view({1, im.height, 1});
    const at::Tensor x = at::arange(im.width, longs).view({1, 1, im.width});
    const at::Tensor inside = (y >= top) & (y < top + s.blockSide) & (x >= left) & (x < left + s.blockSide);
    return (~inside).to(at::kFloat).unsqueeze(1).expand({rows, im.channels, im.height, im.width}).reshape({rows, im.entries()});
}

}  // namespace

at::Tensor drawContextMask(const at::Tensor& observed, const ContextSettings& settings, at::Generator& generator) {
    const int64_t rows = observed.size(0), entries = observed.size(1);
    checkContextSettings(settings, entries);
    if (settings.priorPool.defined()) {
        const at::Tensor pick = at::randint(settings.priorPool.size(0), {rows}, generator, at::TensorOptions().dtype(at::kLong));
        return intersectionContextMask(observed, settings.priorPool.index_select(0, pick.to(settings.priorPool.device())));
    }
    const int64_t groups = groupCount(settings.groupOf, entries);
    const auto cpu = at::TensorOptions().dtype(at::kFloat);
    at::Tensor keepGroup = (at::rand({rows, groups}, generator, cpu) >= settings.delta).to(at::kFloat);
    if (!settings.groupOf.empty()) {
        const at::Tensor index = at::tensor(settings.groupOf, at::TensorOptions().dtype(at::kLong));
        keepGroup = keepGroup.index_select(1, index);
    }
    if (settings.blockShare > 0.0) {
        const at::Tensor byBlock = (at::rand({rows, 1}, generator, cpu) < settings.blockShare).to(at::kFloat);
        keepGroup = byBlock * blockKeep(rows, settings, generator) + (1.0 - byBlock) * keepGroup;
    }
    return observed * keepGroup.to(observed.device());
}

at::Tensor intersectionContextMask(const at::Tensor& observed, const at::Tensor& priorMasks) {
    if (!observed.sizes().equals(priorMasks.sizes()))
        throw std::invalid_argument("intersection partition: the prior's masks must have the observed masks' shape");
    return observed.to(at::kFloat) * priorMasks.to(observed.device(), at::kFloat);
}

}  // namespace ms::partial
