#pragma once
// A user's target shape for mask-conditional generation (MCGM), checked before it reaches a
// model: one grey image of the model's size, black (0) outside and white (255) inside.
#include <cstdint>
#include <string>

#include "api/ImageSession.h"

namespace ms::api {

// Empty when `mask` can be a target shape for `size`-pixel images, else what is wrong with it
// (wrong size, not one grey image, not black and white, empty or everything), for a message
// that begins with the mask's file name.
std::string targetMaskProblem(const ImagePixels& mask, int64_t size);

// The target shape of a sketch (one grey image, dark ink on white): the coarse silhouette the
// cross-attention models are trained with (diffusion/TargetShape), 0 or 255.
ImagePixels silhouetteTargetShape(const ImagePixels& sketch);

}  // namespace ms::api
