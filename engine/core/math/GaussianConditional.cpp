#include "core/math/GaussianConditional.h"

#include <ATen/ATen.h>

#include <stdexcept>

namespace ms {

namespace {

struct Conditional {
    at::Tensor mean;        // [B, S]: observed as given, the rest their conditional mean
    at::Tensor covariance;  // [B, S, S]: of the unobserved elements (zero where either is observed)
};

// Per row: Sigma_OO with the unobserved rows and columns replaced by the identity (invertible,
// and the identity part contributes nothing), solved against the observed deviations.
Conditional conditional(const at::Tensor& mean, const at::Tensor& cov, const at::Tensor& x, const at::Tensor& o,
                        bool withCovariance) {
    const at::Tensor oi = o.unsqueeze(2), oj = o.unsqueeze(1);
    const at::Tensor sigmaOO = cov.unsqueeze(0) * oi * oj + at::diag_embed(1.0 - o);
    const at::Tensor sigmaAO = cov.unsqueeze(0) * oj;  // [B, S, S]: Sigma_{:,O}
    const at::Tensor deviation = (at::nan_to_num(x) - mean) * o;
    const at::Tensor weights = at::linalg_solve(sigmaOO, deviation.unsqueeze(2));  // [B, S, 1]
    Conditional c;
    c.mean = at::where(o > 0.5, at::nan_to_num(x), mean + at::bmm(sigmaAO, weights).squeeze(2));
    if (withCovariance) {
        const at::Tensor m = 1.0 - o;
        const at::Tensor explained = at::bmm(sigmaAO, at::linalg_solve(sigmaOO, sigmaAO.transpose(1, 2)));
        c.covariance = (cov.unsqueeze(0) - explained) * m.unsqueeze(2) * m.unsqueeze(1);
    }
    return c;
}

}  // namespace

GaussianFit fitGaussianWithGaps(const at::Tensor& x, const at::Tensor& observed, int iterations, double ridge) {
    if (x.dim() != 2 || observed.sizes() != x.sizes()) throw std::invalid_argument("fitGaussianWithGaps: x and observed must be [N, S] alike");
    if (x.size(0) < 1) throw std::invalid_argument("fitGaussianWithGaps: no rows");
    const at::ScalarType outType = at::isFloatingType(x.scalar_type()) ? x.scalar_type() : at::kDouble;
    const at::Tensor xd = at::nan_to_num(x.to(at::kDouble).cpu());
    const at::Tensor o = observed.to(at::kDouble).cpu();
    const int64_t N = x.size(0), S = x.size(1);
    const at::Tensor count = o.sum(0);
    const at::Tensor seen = count > 0;
    // Start: per-element means and variances of the observed values, no covariance.
    at::Tensor mean = (xd * o).sum(0) / count.clamp_min(1.0);
    at::Tensor var = (((xd - mean) * o).pow(2)).sum(0) / count.clamp_min(1.0);
    var = at::where(seen & (var > 0), var, at::ones_like(var));
    at::Tensor cov = at::diag(var);
    const at::Tensor ridgeEye = ridge * at::eye(S, at::kDouble);
    for (int it = 0; it < iterations; ++it) {
        const Conditional c = conditional(mean, cov, xd, o, true);
        const at::Tensor newMean = c.mean.mean(0);
        const at::Tensor d = c.mean - newMean;
        at::Tensor newCov = (at::mm(d.t(), d) + c.covariance.sum(0)) / static_cast<double>(N) + ridgeEye;
        newCov = 0.5 * (newCov + newCov.t());
        const double change = (newMean - mean).abs().max().item<double>() + (newCov - cov).abs().max().item<double>();
        mean = newMean;
        cov = newCov;
        if (change < 1e-7) break;
    }
    // Elements nobody observed: a standard normal of their own.
    const at::Tensor unseen = ~seen;
    if (unseen.any().item<bool>()) {
        const at::Tensor keep = seen.to(at::kDouble);
        cov = cov * keep.unsqueeze(0) * keep.unsqueeze(1) + at::diag(1.0 - keep);
        mean = mean * keep;
    }
    return {mean.to(outType), cov.to(outType)};
}

at::Tensor gaussianConditionalMean(const GaussianFit& fit, const at::Tensor& x, const at::Tensor& active) {
    const auto opts = x.options();
    return conditional(fit.mean.to(opts), fit.covariance.to(opts), x, active.to(opts), false).mean;
}

}  // namespace ms
