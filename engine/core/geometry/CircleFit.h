#pragma once
// Least-squares circle through 2D points (algebraic Kasa fit; the exact circumcircle for three
// points). Used to recover wheel centres and radii from wheel-arch keypoints.
#include <vector>

#include "core/geometry/Drawing.h"

namespace ms {

struct FittedCircle {
    Point2 center;
    double radius = 0.0;
    bool ok = false;  // false for fewer than three points, (near-)collinear or non-finite input
};

FittedCircle fitCircle(const std::vector<Point2>& points);

}  // namespace ms
