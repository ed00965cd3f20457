#pragma once
// How well an image model trained with cross-attention (MCGM) follows a target shape, on its
// held-out images: for each held-out design, target shapes made from its silhouette as a user
// might draw them (the silhouette itself, dilated, simplified to a coarser grid, shifted, and the
// silhouette of another held-out design: a shape its conditions do not imply); one
// image generated with the shape and one without it (same conditions and seed). Scored by the
// IoU between the generated image's silhouette and the shape, and by the attention map IoU: the
// mask token's max-normalised attention (finest level, a half-noised real latent) above one
// half against the shape's cells.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/ImageSet.h"

namespace ms::api {

struct MaskFollowingRequest {
    std::string modelPath;
    int64_t rows = 64;  // held-out designs; five shapes each
    std::string sampler = "ddim";
    int64_t steps = 20;
    double guidance = 1.0;
    uint64_t seed = 0;
    // Move each held-out image by up to this many latent cells first (seeded), as the images of a
    // model trained with a placement shift were: its target shapes then stand anywhere.
    int64_t placementShift = 0;
    int64_t batch = 64;
    std::string device = "auto";
};

struct MaskFollowingRow {
    std::string variant;  // silhouette, dilated, simplified, shifted, other design, or "all"
    int64_t shapes = 0;
    double iouWith = 0.0, iouWithout = 0.0;  // mean IoU of the generated silhouette with the shape
    double attentionIoU = 0.0;
};

struct MaskFollowingReport {
    std::vector<MaskFollowingRow> rows;  // one per variant, then "all"
    double seconds = 0.0;
    std::string device;
};

// Throws std::invalid_argument for a model without cross-attention or images that do not fit it.
MaskFollowingReport evaluateMaskFollowing(const ImageSet& images, const MaskFollowingRequest& request);

}  // namespace ms::api
