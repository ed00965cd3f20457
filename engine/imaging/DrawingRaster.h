#pragma once
// Raster rendering of drawings with OpenCV (the imaging target only): anti-aliased strokes on
// white, fitted into the image with a margin, y up, each drawing in its own dark colour.
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/geometry/Drawing.h"

namespace ms::imaging {

// A CV_8UC3 (BGR) image of width x height; marginFraction of the smaller side is kept free
// on every side. Empty or non-finite drawings give a blank white image.
cv::Mat rasterizeDrawings(const std::vector<Drawing>& drawings, int width, int height,
                          double marginFraction = 0.05, bool drawLabels = true);

// PNG of rasterizeDrawings(); throws std::runtime_error naming the path when it cannot be
// written (the file is PNG whatever its extension).
void writeDrawingsPng(const std::vector<Drawing>& drawings, const std::string& path, int width = 800,
                      int height = 500);

}  // namespace ms::imaging
