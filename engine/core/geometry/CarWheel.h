#pragma once
// Wheel of a car silhouette, derived from the five keypoints of its wheel arch: the arch points
// lie on a circle concentric with the wheel (fitted), and the tyre rests on the ground at y = 0,
// so the tyre radius is the centre height (kept inside the arch).
#include <vector>

#include "core/geometry/Drawing.h"

namespace ms {

struct CarWheel {
    Point2 center;
    double radius = 0.0;      // tyre
    double archRadius = 0.0;  // wheel-arch opening
};

CarWheel carWheelFromArch(const std::vector<Point2>& archPoints);

}  // namespace ms
