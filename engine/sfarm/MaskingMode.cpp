#include "sfarm/MaskingMode.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace ms::sfarm {

namespace {
const char* const kNames[kMaskingModeCount] = {"random", "left-to-right", "right-to-left", "top-to-bottom",
                                               "bottom-to-top", "interior-patch", "exterior-patch"};

int64_t uniformInt(std::mt19937_64& rng, int64_t lo, int64_t hi) {  // inclusive
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

// Which elements belong to region (a) for this mode (one random draw of its geometry).
std::vector<bool> firstRegion(MaskingMode mode, const ElementGrid& g, std::mt19937_64& rng) {
    const int64_t H = g.height, W = g.width;
    std::vector<bool> a(static_cast<size_t>(g.size()), false);
    auto mark = [&](auto inA) {
        for (int64_t r = 0; r < H; ++r)
            for (int64_t c = 0; c < W; ++c) a[static_cast<size_t>(r * W + c)] = inA(r, c);
    };
    switch (mode) {
    case MaskingMode::Random: break;  // one stage: everything is (b)
    case MaskingMode::LeftToRight:
    case MaskingMode::RightToLeft: {
        if (W < 2) break;
        const int64_t cut = uniformInt(rng, 1, W - 1);
        const bool left = mode == MaskingMode::LeftToRight;
        mark([&](int64_t, int64_t c) { return left ? c < cut : c >= cut; });
        break;
    }
    case MaskingMode::TopToBottom:
    case MaskingMode::BottomToTop: {
        if (H < 2) break;
        const int64_t cut = uniformInt(rng, 1, H - 1);
        const bool top = mode == MaskingMode::TopToBottom;
        mark([&](int64_t r, int64_t) { return top ? r < cut : r >= cut; });
        break;
    }
    case MaskingMode::InteriorPatch:
    case MaskingMode::ExteriorPatch: {
        // A rectangle covering between a quarter and three quarters of each side.
        auto span = [&](int64_t n, int64_t& lo, int64_t& hi) {
            const int64_t len = std::clamp<int64_t>(uniformInt(rng, std::max<int64_t>(1, n / 4), std::max<int64_t>(1, 3 * n / 4)), 1, n);
            lo = uniformInt(rng, 0, n - len);
            hi = lo + len;
        };
        int64_t r0, r1, c0, c1;
        span(H, r0, r1);
        span(W, c0, c1);
        const bool patchFirst = mode == MaskingMode::ExteriorPatch;
        mark([&](int64_t r, int64_t c) {
            const bool inPatch = r >= r0 && r < r1 && c >= c0 && c < c1;
            return patchFirst ? inPatch : !inPatch;
        });
        break;
    }
    }
    return a;
}

}  // namespace

const char* maskingModeName(MaskingMode mode) { return kNames[static_cast<int>(mode)]; }

MaskingMode parseMaskingMode(const std::string& name) {
    for (int i = 0; i < kMaskingModeCount; ++i)
        if (name == kNames[i]) return static_cast<MaskingMode>(i);
    std::string all;
    for (const char* n : kNames) all += std::string(all.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown masking mode '" + name + "' (one of: " + all + ")");
}

ActivationOrder sampleOrderOver(MaskingMode mode, const ElementGrid& grid, const std::vector<bool>& candidate,
                                std::mt19937_64& rng) {
    if (static_cast<int64_t>(candidate.size()) != grid.size())
        throw std::invalid_argument("candidate mask does not match the element grid");
    const std::vector<bool> a = firstRegion(mode, grid, rng);
    std::vector<int64_t> stageA, stageB;
    for (int64_t k = 0; k < grid.size(); ++k) {
        if (!candidate[static_cast<size_t>(k)]) continue;
        (a[static_cast<size_t>(k)] ? stageA : stageB).push_back(k);
    }
    std::shuffle(stageA.begin(), stageA.end(), rng);
    std::shuffle(stageB.begin(), stageB.end(), rng);
    ActivationOrder o;
    o.firstStage = static_cast<int64_t>(stageA.size());
    o.order = std::move(stageA);
    o.order.insert(o.order.end(), stageB.begin(), stageB.end());
    return o;
}

ActivationOrder sampleOrder(MaskingMode mode, const ElementGrid& grid, std::mt19937_64& rng) {
    return sampleOrderOver(mode, grid, std::vector<bool>(static_cast<size_t>(grid.size()), true), rng);
}

}  // namespace ms::sfarm
