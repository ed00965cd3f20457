#pragma once
// SFARM masking modes (seed 002 §3.5, METHODS.md §2): the order in which elements become
// active. Spatial modes are two stages: region (a) first, then its complement (b) conditioned
// on it; inside a stage new elements are chosen uniformly. Elements live on an H x W grid
// (tabular data: 1 x D, so the top/bottom modes have no split and act as uniform).
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ms::sfarm {

enum class MaskingMode { Random, LeftToRight, RightToLeft, TopToBottom, BottomToTop, InteriorPatch, ExteriorPatch };

constexpr int kMaskingModeCount = 7;
const char* maskingModeName(MaskingMode mode);
MaskingMode parseMaskingMode(const std::string& name);  // throws std::invalid_argument listing the names

struct ElementGrid {
    int64_t height = 1;
    int64_t width = 1;
    int64_t size() const { return height * width; }
};

// A full activation order: order[t] is the element activated at step t + 1 (row-major index).
// The first `firstStage` elements form region (a); the rest region (b).
struct ActivationOrder {
    std::vector<int64_t> order;
    int64_t firstStage = 0;
};

// Interior patch: (a) = outside a random rectangle, (b) = the rectangle (inpainting);
// exterior patch: (a) = the rectangle, (b) = outside (outpainting); left-to-right: (a) = the
// columns left of a random cut, (b) = the rest (likewise for the other directions).
ActivationOrder sampleOrder(MaskingMode mode, const ElementGrid& grid, std::mt19937_64& rng);

// An order over only the elements with candidate[k] true, following the mode's stages
// restricted to them (imputation: the unobserved elements).
ActivationOrder sampleOrderOver(MaskingMode mode, const ElementGrid& grid, const std::vector<bool>& candidate,
                                std::mt19937_64& rng);

}  // namespace ms::sfarm
