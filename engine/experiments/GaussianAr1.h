#pragma once
// A case with a known answer for imputation (METHODS.md §3, benchmark 3): a D-dimensional
// stationary Gaussian AR(1) vector, x_0 ~ N(0, 1), x_i = rho x_{i-1} + sqrt(1 - rho^2) e_i, so
// Sigma_ij = rho^|i-j|. The Bayes-optimal completion of the missing entries is the conditional
// mean Sigma_mo Sigma_oo^-1 x_o, its expected squared error the Schur complement's diagonal.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace ms::experiments {

at::Tensor ar1Covariance(int64_t dims, double rho);                                 // [D, D] double
at::Tensor sampleAr1(int64_t rows, int64_t dims, double rho, at::Generator& generator);  // [rows, D] float

// Completes each row (values where observed, anything elsewhere) with the conditional mean;
// observed entries are returned as given. [rows, D] float.
at::Tensor bayesCompleteAr1(const at::Tensor& values, const at::Tensor& observed, double rho);
// Expected squared error per missing entry of the Bayes completion, averaged over the rows'
// missing entries (the mean Schur-complement variance).
double bayesExpectedMseAr1(const at::Tensor& observed, double rho);

// Mean squared error over the entries where observed == 0 (NaN when there are none).
double missingEntryMse(const at::Tensor& completed, const at::Tensor& truth, const at::Tensor& observed);

}  // namespace ms::experiments
