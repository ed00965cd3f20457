#pragma once
// What every image-model evaluation starts from (internal to api: torch types): the model, its
// recorded held-out images on the device with their conditions, and the controllability
// classifier trained on the model's REAL training images.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

#include "api/ImageData.h"
#include "core/conditioning/ConditionInput.h"
#include "core/data/DesignTensors.h"
#include "diffusion/ConditionClassifier.h"
#include "diffusion/ImageModelBundle.h"

namespace ms::api {

struct HeldOutImages {
    diffusion::ImageModelFile file;
    at::Device device{at::kCPU};
    ImageConditions conditions;  // of every image, in the model's schema
    DesignTensors tensors;       // of every image
    HeldOutSplit split;          // at most maxRows held-out rows, and the training rows
    at::Tensor all;              // every image [N, C, H, W] in [-1, 1], CPU
    at::Tensor testImages;       // the held-out ones, on the device
    ConditionInput testConditions;
};

// Throws BundleError for a bad model file, std::invalid_argument naming the image set when its
// images do not fit the model or none of its held-out files is there.
HeldOutImages loadHeldOutImages(const ImageSet& images, const std::string& modelPath, int64_t maxRows, const std::string& device);

// A classifier of every categorical condition trained on the training rows' images (null when the
// model has no categorical condition).
diffusion::ConditionClassifier trainControllabilityClassifier(const HeldOutImages& h, int64_t epochs, uint64_t seed);

}  // namespace ms::api
