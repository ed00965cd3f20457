#pragma once
// One-file image data sets (.mspack): the pixels as a uint8 tensor and the conditions CSV text in
// a LibTorch archive. Written by `maskstudio-cli image render` beside the PNG folder; read
// where OpenCV is absent (e.g. a headless GPU server) and for fast reloads.
#include <string>

#include "core/data/ImageSet.h"

namespace ms {

void saveImagePack(const ImageSet& images, const std::string& path);  // throws std::runtime_error naming the path
ImageSet loadImagePack(const std::string& path);                       // throws std::runtime_error naming the path

}  // namespace ms
