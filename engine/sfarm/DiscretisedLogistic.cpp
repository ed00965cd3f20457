#include "sfarm/DiscretisedLogistic.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

namespace ms::sfarm {
namespace {

void checkBins(int64_t bins) {
    if (bins < 2) throw std::invalid_argument("discretised logistic: needs at least two bins");
}

at::Tensor toBinCentres(const at::Tensor& y, int64_t bins) {
    const double last = static_cast<double>(bins - 1);
    return ((y.clamp(-1.0, 1.0) + 1.0) * (0.5 * last)).round() * (2.0 / last) - 1.0;
}

}  // namespace

at::Tensor discretisedLogisticLogProb(const at::Tensor& x, const at::Tensor& mean, const at::Tensor& logScale,
                                      int64_t bins) {
    checkBins(bins);
    const double half = 1.0 / static_cast<double>(bins - 1);  // half a bin
    const at::Tensor centred = x - mean;
    const at::Tensor inverseScale = at::exp(-logScale);
    const at::Tensor upper = inverseScale * (centred + half);
    const at::Tensor lower = inverseScale * (centred - half);
    const at::Tensor logCdfUpper = upper - at::softplus(upper);  // log sigmoid(upper): the lowest bin
    const at::Tensor logSurvivalLower = -at::softplus(lower);    // log(1 - sigmoid(lower)): the highest bin
    const at::Tensor mass = at::sigmoid(upper) - at::sigmoid(lower);
    // Where the bin's mass underflows, its density at the centre times the bin width.
    const at::Tensor middle = inverseScale * centred;
    const at::Tensor logDensityCentre = middle - logScale - 2.0 * at::softplus(middle);
    const at::Tensor interior =
        at::where(mass > 1e-5, at::log(mass.clamp_min(1e-12)), logDensityCentre + std::log(2.0 * half));
    return at::where(x < -1.0 + half, logCdfUpper, at::where(x > 1.0 - half, logSurvivalLower, interior));
}

at::Tensor discretisedLogisticSample(const at::Tensor& mean, const at::Tensor& logScale, int64_t bins,
                                     at::Generator& gen) {
    checkBins(bins);
    // Drawn on the CPU (the generator's device), so a seed gives the same pixels on every device.
    const at::Tensor u =
        at::rand(mean.sizes(), gen, mean.options().device(at::kCPU)).clamp(1e-5, 1.0 - 1e-5).to(mean.device());
    return toBinCentres(mean + at::exp(logScale) * (at::log(u) - at::log1p(-u)), bins);
}

at::Tensor discretisedLogisticPoint(const at::Tensor& mean, int64_t bins) {
    checkBins(bins);
    return toBinCentres(mean, bins);
}

at::Tensor discretisedLogisticMean(const at::Tensor& mean, const at::Tensor& logScale, int64_t bins) {
    checkBins(bins);
    const at::Tensor centres = at::linspace(-1.0, 1.0, bins, mean.options());  // [L]
    const at::Tensor logp = discretisedLogisticLogProb(centres, mean.unsqueeze(-1), logScale.unsqueeze(-1), bins);  // [..., L]
    return (at::softmax(logp, -1) * centres).sum(-1);
}

}  // namespace ms::sfarm
