#pragma once
// The file layer shared by the model files (.msm keypoint models, .msi image models): a LibTorch
// archive with a JSON "meta" entry naming its format and version, written atomically (temporary
// file, then rename, so a crash never leaves half a model). Errors are BundleError naming the path;
// `what` is the kind of file in messages ("model", "image model").
#include <nlohmann/json.hpp>
#include <torch/serialize/input-archive.h>
#include <torch/nn/module.h>
#include <torch/serialize/output-archive.h>

#include <string>

namespace ms {

void saveArchiveAtomically(torch::serialize::OutputArchive& archive, const std::string& path, const std::string& what);

// Loads `path` into `archive` and returns its meta JSON after checking format and version.
nlohmann::json loadArchiveMeta(torch::serialize::InputArchive& archive, const std::string& path,
                               const std::string& format, int version, const std::string& what);

// A module's parameters under `prefix` (e.g. "unet/") and its buffers under bufferPrefix (default:
// the same), as CPU copies.
// A tensor read from an archive must lie inside its storage: LibTorch takes the sizes, strides
// and offset a damaged file declares and reads past the storage's end (a segfault found by
// fuzzing an image pack). Throws BundleError naming the path and key.
void requireInsideStorage(const at::Tensor& tensor, const std::string& path, const std::string& key);

void writeModuleTensors(torch::serialize::OutputArchive& archive, const std::string& prefix, const torch::nn::Module& module,
                        const std::string& bufferPrefix = {});
// Copies them back into a module of the same architecture; a missing or mis-shaped tensor is a
// BundleError naming the path, the tensor and both shapes.
void readModuleTensors(torch::serialize::InputArchive& archive, const std::string& prefix, torch::nn::Module& module,
                       const std::string& path, const std::string& bufferPrefix = {});

}  // namespace ms
