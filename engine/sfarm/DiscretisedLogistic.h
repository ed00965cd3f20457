#pragma once
// The discretised logistic likelihood of PixelCNN++ (Salimans et al. 2017), the SFARM paper's
// pixel likelihood for Fashion-MNIST: a logistic with mean mu and scale s over [-1, 1] whose mass
// is collected into `bins` equal bins (grey levels), the two end bins taking the tails.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace ms::sfarm {

// x on the bin centres -1 + 2k / (bins - 1); mean, logScale, x broadcastable. log P(x), x's shape.
at::Tensor discretisedLogisticLogProb(const at::Tensor& x, const at::Tensor& mean, const at::Tensor& logScale,
                                      int64_t bins);

// One draw per element, on the bin centres.
at::Tensor discretisedLogisticSample(const at::Tensor& mean, const at::Tensor& logScale, int64_t bins,
                                     at::Generator& gen);

// The point estimate: the mean clamped to [-1, 1] and rounded to the nearest bin centre.
at::Tensor discretisedLogisticPoint(const at::Tensor& mean, int64_t bins);

// The expected value over the bins (between bin centres in general): the estimate with the least
// squared error. mean / logScale [...]; returns [...].
at::Tensor discretisedLogisticMean(const at::Tensor& mean, const at::Tensor& logScale, int64_t bins);

}  // namespace ms::sfarm
