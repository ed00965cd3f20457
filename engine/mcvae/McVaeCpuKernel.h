#pragma once
// The mcVAE's gradient computation on the CPU without tensor ops: the forward and backward pass
// over buffers allocated once, the matrix products as direct BLAS calls (OpenBLAS, which LibTorch
// uses too), everything else in plain loops. At GeoBIKED's size (26 outputs, ~40k parameters,
// batch 128) a step is ~27 MFLOP, and the ~60 tensor ops of McVaeFusedStep's ATen path cost
// more in dispatch and allocation than that arithmetic. Same maths as the ATen path (the
// equivalence with autograd is TestFusedStep's), for float and double models.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "mcvae/McVae.h"

namespace ms::mcvae {

// One batch as raw rows. keepNoise null: the conditions are used as given; otherwise condition j
// of row r is masked (unknown) when keepNoise[r * (C + M) + j] < maskShare, as
// ConditionInput::masked(noise >= p) does.
template <typename T>
struct McVaeBatchRows {
    int64_t rows = 0;
    const T* x = nullptr;                  // [rows, D]
    const int64_t* categorical = nullptr;  // [rows, C], -1 unknown
    const T* numerical = nullptr;          // [rows, M]
    const T* numericalKnown = nullptr;     // [rows, M], 1 known / 0 unknown
    const float* keepNoise = nullptr;      // [rows, C + M] or null
    double maskShare = 0.0;
    const T* eps = nullptr;                // [rows, L] standard normal
    // The rows the KL term is averaged over (0: these rows). Data parallel, a rank's shard of a
    // batch sets the global batch, so that the ranks' gradients sum to the whole batch's.
    int64_t klRows = 0;

    // Rows [begin, end) of these, for a model with D outputs, C + M conditions and L latents.
    McVaeBatchRows slice(int64_t begin, int64_t end, int64_t D, int64_t C, int64_t M, int64_t L) const {
        McVaeBatchRows r = *this;
        r.rows = end - begin;
        r.x = x + begin * D;
        r.categorical = categorical ? categorical + begin * C : nullptr;
        r.numerical = numerical ? numerical + begin * M : nullptr;
        r.numericalKnown = numericalKnown ? numericalKnown + begin * M : nullptr;
        r.keepNoise = keepNoise ? keepNoise + begin * (C + M) : nullptr;
        r.eps = eps + begin * L;
        return r;
    }
};

class McVaeCpuKernel {
public:
    // `gradientOf` names the flat gradient views (FlatAdamW::gradientOf) the kernel writes.
    McVaeCpuKernel(const McVae& model, const std::function<at::Tensor&(const std::string&)>& gradientOf);
    ~McVaeCpuKernel();

    // Whether the model lives where this kernel can run it (CPU, contiguous float or double).
    static bool supports(const McVae& model);

    // Fills every gradient for the loss (1 - klWeight) * SSE + klWeight * KL; returns {SSE, KL}.
    std::pair<double, double> computeGradients(const McVaeBatchRows<float>& batch, double klWeight);
    std::pair<double, double> computeGradients(const McVaeBatchRows<double>& batch, double klWeight);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace ms::mcvae
