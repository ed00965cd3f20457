#pragma once
// Clean grey-level technical sketches of designs for image models: black strokes on white with
// physical widths (tubes ~30 mm, spokes ~5 mm; scaled up for frames wider than a bicycle's), solid discs, trispoke blades and bottles, drawn
// 4x supersampled and area-averaged so thin parts become grey rather than vanish. All images of
// a data set share one square world frame, so position and size in the image mean the same
// millimetres in every image.
#include <opencv2/core.hpp>

#include <vector>

#include "core/geometry/Drawing.h"

namespace ms::imaging {

struct ImageFrame {
    double minX = 0.0, minY = 0.0, size = 1.0;  // square world window, y up
};

// The frame that holds the designs: robust bounds (the `trim` fraction of extreme designs on
// each side is ignored, so a few outliers do not shrink everyone else), squared, 4 % margin.
ImageFrame imageFrameFor(const std::vector<Drawing>& drawings, double trim = 0.01);

// CV_8UC1 size x size, 255 = background. Labels are not drawn.
cv::Mat renderDesignImage(const Drawing& drawing, const ImageFrame& frame, int size);

}  // namespace ms::imaging
