#pragma once
// A check of a LibTorch archive (the zip that torch::serialize::OutputArchive writes: every model
// file, resume file and image pack of this project) before LibTorch reads it. LibTorch trusts
// what it reads: fuzzing found a damaged file that crashes the process inside its TorchScript
// type parser (a segfault, not an exception), and sizes it believes. This reads the zip's
// directory itself (entries inside the file, sizes consistent, stored or deflated) and the
// archive's module code, which for these files is a fixed form (the class, its parameter list,
// one type annotation per entry: Tensor, str, int, float or bool) and refuses anything else.
// TorchScript programs a user brings (a first stage's encoder) are real code and not checked here.
#include <string>

namespace ms {

// Throws BundleError naming the path and what is wrong; returns when LibTorch may read the file.
void checkTorchArchive(const std::string& path, const std::string& what);

}  // namespace ms
