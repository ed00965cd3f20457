#include "ui/window/KeypointPins.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ms {

namespace {
constexpr double kFree = std::numeric_limits<double>::quiet_NaN();
}

void KeypointPins::reset(std::size_t outputDim) { m_values.assign(outputDim, kFree); }

bool KeypointPins::set(int keypoint, double x, double y) {
    if (!exists(keypoint)) return false;
    m_values[2 * static_cast<std::size_t>(keypoint)] = x;
    m_values[2 * static_cast<std::size_t>(keypoint) + 1] = y;
    return true;
}

void KeypointPins::release(int keypoint) {
    if (exists(keypoint)) m_values[2 * static_cast<std::size_t>(keypoint)] = m_values[2 * static_cast<std::size_t>(keypoint) + 1] = kFree;
}

void KeypointPins::releaseAll() { std::fill(m_values.begin(), m_values.end(), kFree); }

bool KeypointPins::pinned(int keypoint) const {
    return exists(keypoint) && std::isfinite(m_values[2 * static_cast<std::size_t>(keypoint)]);
}

int KeypointPins::count() const {
    int n = 0;
    for (int k = 0; exists(k); ++k) n += pinned(k) ? 1 : 0;
    return n;
}

std::vector<bool> KeypointPins::pinnedFlags(std::size_t keypoints) const {
    std::vector<bool> flags(keypoints, false);
    for (std::size_t k = 0; k < keypoints; ++k) flags[k] = pinned(static_cast<int>(k));
    return flags;
}

}  // namespace ms
