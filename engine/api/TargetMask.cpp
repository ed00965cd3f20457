#include "api/TargetMask.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <stdexcept>

#include "core/data/ImageTensors.h"
#include "diffusion/TargetShape.h"

namespace ms::api {

std::string targetMaskProblem(const ImagePixels& mask, int64_t size) {
    if (mask.count != 1 || mask.channels != 1)
        return "a target shape is one grey image, not " + std::to_string(mask.count) + " image(s) of " +
               std::to_string(mask.channels) + " channel(s)";
    if (mask.size != size)
        return "the target shape is " + std::to_string(mask.size) + " x " + std::to_string(mask.size) +
               " pixels; this model makes " + std::to_string(size) + " x " + std::to_string(size) + " images";
    std::size_t inside = 0, grey = 0;
    for (uint8_t v : mask.data) {
        if (v > 127) ++inside;
        if (v > 31 && v < 224) ++grey;
    }
    // anti-aliased edges are fine; a photo or a soft gradient is not a mask
    if (grey * 20 > mask.data.size())
        return std::to_string(grey * 100 / mask.data.size()) +
               " % of the pixels are grey; a target shape is black (0) outside and white (255) inside";
    if (inside == 0) return "the target shape is empty (no white pixel): draw the region the design should fill";
    if (inside == mask.data.size()) return "the target shape covers the whole image: it says nothing about the shape";
    return {};
}

ImagePixels silhouetteTargetShape(const ImagePixels& sketch) {
    if (sketch.count != 1 || sketch.channels != 1 || sketch.size < 1)
        throw std::invalid_argument("a silhouette needs one grey sketch");
    const at::Tensor image = imagesToTensor(sketch.data, 1, 1, sketch.size);
    const at::Tensor mask = diffusion::silhouetteMasks(image) * 2.0 - 1.0;  // {0, 1} -> [-1, 1] pixels
    return ImagePixels{1, 1, sketch.size, tensorToPixels(mask)};
}

}  // namespace ms::api
