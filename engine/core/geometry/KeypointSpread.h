#pragma once
// Where each keypoint lies over several sampled designs: its mean and 2x2 covariance, for the
// studio's handles and uncertainty shading (and for tests of the spread itself).
#include <vector>

#include "core/data/Schema.h"
#include "core/geometry/Drawing.h"

namespace ms {

struct KeypointSpread {
    Point2 mean;
    double varX = 0.0, varY = 0.0, covXY = 0.0;  // sample covariance (0 for one design)

    // Semi-axes (a >= b) and angle (radians, from +x) of the ellipse at `sigmas` standard deviations.
    void ellipse(double sigmas, double& a, double& b, double& angle) const;
};

// One entry per schema keypoint; designs are output vectors (schema.outputDim() values each).
// Throws std::invalid_argument for an empty list or a design of the wrong size.
std::vector<KeypointSpread> keypointSpread(const Schema& schema, const std::vector<std::vector<double>>& designs);

}  // namespace ms
