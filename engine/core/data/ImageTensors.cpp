#include "core/data/ImageTensors.h"

#include <ATen/ATen.h>

namespace ms {

at::Tensor imagesToTensor(const std::vector<uint8_t>& pixels, int64_t count, int64_t channels, int64_t size) {
    const at::Tensor bytes = at::from_blob(const_cast<uint8_t*>(pixels.data()), {count, channels, size, size}, at::kByte);
    return bytes.to(at::kFloat) / 127.5 - 1.0;
}

at::Tensor imagesToTensor(const ImageSet& images) {
    return imagesToTensor(images.pixels, images.count(), images.channels, images.size);
}

std::vector<uint8_t> tensorToPixels(const at::Tensor& images) {
    const at::Tensor bytes = ((images.detach().to(at::kCPU, at::kFloat).clamp(-1.0, 1.0) + 1.0) * 127.5)
                                 .round()
                                 .to(at::kByte)
                                 .contiguous();
    return std::vector<uint8_t>(bytes.data_ptr<uint8_t>(), bytes.data_ptr<uint8_t>() + bytes.numel());
}

}  // namespace ms
