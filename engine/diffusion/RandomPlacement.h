#pragma once
// Random placement: moves each image (or its latent) and its target shape by whole cells, so that
// a model trained on designs that all stand in one place learns that *where* a design goes comes
// from its target shape. Shifts are in cells of the latent grid (an autoencoder of factor f moves
// its image by f pixels per latent cell); what moves in at a border repeats the border (a sketch's
// border is background) for images and latents, and is empty for masks.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

namespace ms::diffusion {

// [n, 2] int64 (dy, dx), each uniform in [-maxShift, maxShift].
at::Tensor randomPlacementShifts(int64_t n, int64_t maxShift, at::Generator& generator);

// x [n, C, H, W] moved by shifts[i] * cellPixels pixels (down and right when positive);
// padBorder: repeat the border into the gap, else zeros.
at::Tensor shiftByCells(const at::Tensor& x, const at::Tensor& shifts, int64_t cellPixels, bool padBorder);

}  // namespace ms::diffusion
