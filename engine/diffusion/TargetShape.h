#pragma once
// Target shapes for mask-conditional generation: the coarse silhouette of a design image (what
// the model is pretrained to follow, and what a user's rough sketch looks like), and the
// checks a user's own mask must pass.
#include <ATen/core/Tensor.h>

#include <string>

namespace ms::diffusion {

// images [B, C, H, W] in [-1, 1] on a white background -> [B, 1, H, W] in {0, 1}: the ink
// (anything visibly darker than white), dilated by about H / 32 pixels, made blocky on a
// `grid` x grid raster (a cell is in when a fifth of it is ink) and scaled back up.
at::Tensor silhouetteMasks(const at::Tensor& images, int64_t grid = 16);

// Intersection over union of two binary masks per image ([B, 1, H, W] > 0.5): [B] doubles.
at::Tensor maskIoU(const at::Tensor& a, const at::Tensor& b);

}  // namespace ms::diffusion
