#pragma once
// Synthetic car side silhouettes: 21 ordered outline keypoints (see carKeypointNames(); mm,
// front facing +x, ground at y = 0) conditioned on body type, size class and drag coefficient.
// Each wheel arch is five points on a circle concentric with its wheel, so carWheelFromArch()
// recovers the wheel (centre = fitted arch centre, tyre radius = centre height).
#include <cstddef>
#include <cstdint>

#include "core/synth/SynthResult.h"

namespace ms {

// n fully labelled rows; the same (n, seed) gives the same result with every standard library
// (only last-bit differences of a platform's libm could show). Every
// outline is a simple (non-self-intersecting) polygon.
SynthResult synthCars(std::size_t n, std::uint64_t seed);

}  // namespace ms
