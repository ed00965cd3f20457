#pragma once
// A design drawn as image models see it (the sketches of `image render`), in plain C++ types for
// callers without OpenCV headers (the studio): one grey size x size image, 255 = background.
#include <cstdint>
#include <vector>

#include "core/geometry/Drawing.h"

namespace ms::imaging {

// The square world window (millimetres, y up) of the model's training sketches.
std::vector<uint8_t> designSketchPixels(const Drawing& drawing, double minX, double minY, double frameSize, int size);

}  // namespace ms::imaging
