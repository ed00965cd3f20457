#pragma once
// Synthetic bicycle side-view geometry in the layout of GeoBIKED (the same 12 keypoints in
// absolute millimetres, the two wheel diameters as extra outputs, and the same eight condition
// columns), from a parametric frame model with style-dependent geometry and noise. It is the
// product's embedded default data set, so it must not need the real (non-commercial) data.
#include <cstddef>
#include <cstdint>

#include "core/synth/SynthResult.h"

namespace ms {

// n fully labelled rows; the same (n, seed) gives the same result with every standard library
// (only last-bit differences of a platform's libm could show).
SynthResult synthBikes(std::size_t n, std::uint64_t seed);

}  // namespace ms
