#include "core/math/GaussianLogDensity.h"

#include <ATen/ATen.h>

#include <cmath>

namespace ms {

at::Tensor gaussianLogDensity(const at::Tensor& x, const at::Tensor& mean, const at::Tensor& logStd) {
    static const double halfLog2Pi = 0.5 * std::log(2.0 * M_PI);
    return -0.5 * ((x - mean) * at::exp(-logStd)).square() - logStd - halfLog2Pi;
}

}  // namespace ms
