#pragma once
// A multivariate normal over vectors with gaps: fitted by EM to rows that observe any subset of
// their elements, and its conditional mean of every element given the observed ones. This is the
// best a linear-Gaussian imputer does (what scikit-learn's IterativeImputer approximates); SFARM
// uses it as a linear path that its network corrects (sfarm/SfarmMlp).
#include <ATen/Tensor.h>

namespace ms {

struct GaussianFit {
    at::Tensor mean;        // [S]
    at::Tensor covariance;  // [S, S]
};

// EM for a Gaussian with missing entries. x: [N, S] (unobserved entries ignored, NaN allowed),
// observed: [N, S] bool or {0, 1}. An element observed in no row gets mean 0, variance 1 and no
// covariance. `ridge` is added to the diagonal (the table's columns may be exactly collinear).
// Computed in double; returned in x's floating type (double when x is not floating).
GaussianFit fitGaussianWithGaps(const at::Tensor& x, const at::Tensor& observed, int iterations = 50,
                                double ridge = 1e-4);

// E[x | the active elements], [B, S]: active elements keep their value, the others get the
// Gaussian's conditional mean given the row's active ones. x: [B, S] (inactive entries ignored,
// NaN allowed), active: [B, S] {0, 1}. Differentiable in nothing that matters (the fit is fixed).
at::Tensor gaussianConditionalMean(const GaussianFit& fit, const at::Tensor& x, const at::Tensor& active);

}  // namespace ms
