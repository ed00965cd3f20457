#include "diffusion/RandomPlacement.h"

#include <ATen/ATen.h>

#include <stdexcept>
#include <vector>

namespace ms::diffusion {

at::Tensor randomPlacementShifts(int64_t n, int64_t maxShift, at::Generator& generator) {
    if (maxShift < 0) throw std::invalid_argument("placement shift must be >= 0 cells");
    return at::randint(-maxShift, maxShift + 1, {n, 2}, generator, at::TensorOptions().dtype(at::kLong));
}

at::Tensor shiftByCells(const at::Tensor& x, const at::Tensor& shifts, int64_t cellPixels, bool padBorder) {
    if (x.dim() != 4 || shifts.dim() != 2 || shifts.size(0) != x.size(0) || shifts.size(1) != 2)
        throw std::invalid_argument("shiftByCells: x [n, C, H, W] and shifts [n, 2]");
    const at::Tensor s = shifts.to(at::kCPU).contiguous();
    const auto acc = s.accessor<int64_t, 2>();
    const int64_t pad = s.abs().max().item<int64_t>() * cellPixels;
    if (pad == 0) return x;
    const int64_t h = x.size(2), w = x.size(3);
    if (pad >= h || pad >= w) throw std::invalid_argument("placement shift larger than the image");
    const at::Tensor padded = padBorder ? at::replication_pad2d(x, {pad, pad, pad, pad}) : at::constant_pad_nd(x, {pad, pad, pad, pad});
    std::vector<at::Tensor> rows;
    rows.reserve(static_cast<std::size_t>(x.size(0)));
    for (int64_t i = 0; i < x.size(0); ++i) {
        const int64_t dy = acc[i][0] * cellPixels, dx = acc[i][1] * cellPixels;
        rows.push_back(padded.narrow(0, i, 1).narrow(2, pad - dy, h).narrow(3, pad - dx, w));
    }
    return at::cat(rows, 0);
}

}  // namespace ms::diffusion
