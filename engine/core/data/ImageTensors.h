#pragma once
// Conversions between 8-bit image sets and the models' float tensors in [-1, 1].
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "core/data/ImageSet.h"

namespace ms {

at::Tensor imagesToTensor(const ImageSet& images);  // [N, C, H, W] float in [-1, 1], CPU
at::Tensor imagesToTensor(const std::vector<uint8_t>& pixels, int64_t count, int64_t channels, int64_t size);
std::vector<uint8_t> tensorToPixels(const at::Tensor& images);  // [N, C, H, W] in [-1, 1] -> 0..255

}  // namespace ms
