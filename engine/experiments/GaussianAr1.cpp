#include "experiments/GaussianAr1.h"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>
#include <vector>

namespace ms::experiments {

at::Tensor ar1Covariance(int64_t dims, double rho) {
    const at::Tensor i = at::arange(dims, at::TensorOptions().dtype(at::kDouble));
    return at::pow(rho, (i.unsqueeze(0) - i.unsqueeze(1)).abs());
}

at::Tensor sampleAr1(int64_t rows, int64_t dims, double rho, at::Generator& generator) {
    const at::Tensor e = at::randn({rows, dims}, generator, at::TensorOptions().dtype(at::kDouble));
    std::vector<at::Tensor> columns{e.select(1, 0)};
    const double innovation = std::sqrt(1.0 - rho * rho);
    for (int64_t d = 1; d < dims; ++d) columns.push_back(rho * columns.back() + innovation * e.select(1, d));
    return at::stack(columns, 1).to(at::kFloat);
}

namespace {

// Calls fn(row, observedIndex, missingIndex, Sigma_mo Sigma_oo^-1, Schur complement) for every
// row with at least one missing entry.
template <typename Fn>
void forEachConditional(const at::Tensor& observed, double rho, const Fn& fn) {
    const at::Tensor mask = (observed > 0.5).cpu();
    const at::Tensor sigma = ar1Covariance(observed.size(1), rho);
    for (int64_t r = 0; r < mask.size(0); ++r) {
        const at::Tensor o = mask[r].nonzero().flatten(), m = (~mask[r]).nonzero().flatten();
        if (m.numel() == 0) continue;
        const at::Tensor smm = sigma.index_select(0, m).index_select(1, m);
        if (o.numel() == 0) {
            fn(r, o, m, at::Tensor(), smm);
            continue;
        }
        const at::Tensor soo = sigma.index_select(0, o).index_select(1, o);
        const at::Tensor smo = sigma.index_select(0, m).index_select(1, o);
        const at::Tensor gain = at::linalg_solve(soo, smo.t()).t();  // Sigma_mo Sigma_oo^-1
        fn(r, o, m, gain, smm - gain.matmul(smo.t()));
    }
}

}  // namespace

at::Tensor bayesCompleteAr1(const at::Tensor& values, const at::Tensor& observed, double rho) {
    at::Tensor out = at::where(observed > 0.5, values, at::zeros_like(values)).to(at::kDouble).cpu().clone();
    forEachConditional(observed, rho, [&](int64_t r, const at::Tensor& o, const at::Tensor& m, const at::Tensor& gain,
                                          const at::Tensor&) {
        at::Tensor row = out[r];
        row.index_put_({m}, gain.defined() ? gain.matmul(row.index_select(0, o)) : at::zeros({m.numel()}, row.options()));
    });
    return out.to(at::kFloat);
}

double bayesExpectedMseAr1(const at::Tensor& observed, double rho) {
    double sum = 0.0;
    int64_t count = 0;
    forEachConditional(observed, rho, [&](int64_t, const at::Tensor&, const at::Tensor& m, const at::Tensor&, const at::Tensor& schur) {
        sum += schur.diagonal().sum().item<double>();
        count += m.numel();
    });
    return count ? sum / static_cast<double>(count) : std::numeric_limits<double>::quiet_NaN();
}

double missingEntryMse(const at::Tensor& completed, const at::Tensor& truth, const at::Tensor& observed) {
    const at::Tensor missing = (observed <= 0.5).to(at::kDouble);
    const double count = missing.sum().item<double>();
    if (count == 0.0) return std::numeric_limits<double>::quiet_NaN();
    return (missing * (completed.to(at::kDouble) - truth.to(at::kDouble)).square()).sum().item<double>() / count;
}

}  // namespace ms::experiments
