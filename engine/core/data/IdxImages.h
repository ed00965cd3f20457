#pragma once
// Reading the IDX files of MNIST-style data sets (Fashion-MNIST as Debian's
// `dataset-fashion-mnist` installs it: /usr/share/datasets/fashion-mnist/*-idx3-ubyte.gz), plain
// or gzip-compressed. Errors are DataError naming the file and what is wrong with it.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace ms {

// The images of an idx3-ubyte file as [N, H, W] uint8 (N at most `limit` when limit > 0).
at::Tensor readIdxImages(const std::string& path, int64_t limit = 0);

// The labels of an idx1-ubyte file as [N] int64.
at::Tensor readIdxLabels(const std::string& path, int64_t limit = 0);

// Writes [N, H, W] uint8 images as an idx3-ubyte file, gzip-compressed when the path ends in
// ".gz" (tests, and for users who want to bring their own grey-level images in this format).
void writeIdxImages(const std::string& path, const at::Tensor& images);

// Fashion-MNIST's file names inside its folder.
std::string fashionMnistImages(const std::string& folder, bool train);  // train- or t10k-images-idx3-ubyte.gz
std::string fashionMnistLabels(const std::string& folder, bool train);

}  // namespace ms
