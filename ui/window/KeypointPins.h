#pragma once
// The keypoints the user has pinned on the canvas, as the output vector the design SFARM reads:
// schema.outputDim() values in design units, NaN where free (x and y of a keypoint together).
#include <cstddef>
#include <vector>

namespace ms {

class KeypointPins {
public:
    void reset(std::size_t outputDim);  // everything free
    void assign(const std::vector<double>& values) { m_values = values; }  // a state from values()
    bool set(int keypoint, double x, double y);  // false when the keypoint does not exist
    void release(int keypoint);
    void releaseAll();
    bool pinned(int keypoint) const;
    int count() const;
    std::vector<bool> pinnedFlags(std::size_t keypoints) const;  // one flag per keypoint
    const std::vector<double>& values() const { return m_values; }

private:
    bool exists(int keypoint) const { return keypoint >= 0 && 2 * static_cast<std::size_t>(keypoint) + 1 < m_values.size(); }
    std::vector<double> m_values;
};

}  // namespace ms
