#include "core/math/GaussianMixture.h"

#include <ATen/ATen.h>

#include "core/math/GaussianLogDensity.h"

namespace ms {

at::Tensor mixtureLogDensity(const at::Tensor& x, const at::Tensor& mean, const at::Tensor& logStd, const at::Tensor& logWeight) {
    return at::logsumexp(logWeight + gaussianLogDensity(x.unsqueeze(-1), mean, logStd), -1);
}

MixtureMoments mixtureMoments(const at::Tensor& mean, const at::Tensor& logStd, const at::Tensor& logWeight) {
    const at::Tensor w = logWeight.exp();
    MixtureMoments m;
    m.mean = (w * mean).sum(-1);
    m.variance = ((w * ((2 * logStd).exp() + mean.square())).sum(-1) - m.mean.square()).clamp_min(0.0);
    return m;
}

}  // namespace ms
