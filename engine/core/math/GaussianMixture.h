#pragma once
// Mixtures of Gaussians along the last dimension (the components): the per-element likelihood of
// SFARM's mixture and atom outputs and of the MIWAE decoder with atoms. A component of weight 0
// (log weight -inf, e.g. a padding atom) drops out.
#include <ATen/core/Tensor.h>

namespace ms {

// log sum_c w_c N(x; mean_c, sd_c). x: [...], mean / logStd / logWeight: [..., C]. Returns [...].
at::Tensor mixtureLogDensity(const at::Tensor& x, const at::Tensor& mean, const at::Tensor& logStd, const at::Tensor& logWeight);

struct MixtureMoments {
    at::Tensor mean;      // [...]: sum w mu
    at::Tensor variance;  // [...]: sum w (sd^2 + mu^2) - mean^2
};
MixtureMoments mixtureMoments(const at::Tensor& mean, const at::Tensor& logStd, const at::Tensor& logWeight);

}  // namespace ms
