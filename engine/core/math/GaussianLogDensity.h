#pragma once
// log N(x; mean, exp(logStd)) elementwise: the likelihood of every Gaussian-output model here
// (SFARM elements, MIWAE decoder, prior and proposal).
#include <ATen/core/Tensor.h>

namespace ms {

at::Tensor gaussianLogDensity(const at::Tensor& x, const at::Tensor& mean, const at::Tensor& logStd);

}  // namespace ms
