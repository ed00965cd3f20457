#pragma once
// The paper's evaluation protocol (arXiv 2505.16725 §4.1, authors' code): for each inference
// sparsity s, mask every test condition independently with probability s, decode, and report
// MSE(s) = mean over test rows of the sum over the normalised output dims of (x_hat - x)^2.
// Decoded twice: with one fixed z ~ N(0, I) draw (seed 42, as the authors) and with z = 0.
#include <cstdint>
#include <vector>

#include "core/data/DesignTensors.h"
#include "mcvae/McVae.h"

namespace ms::mcvae {

struct SparsityEvaluation {
    std::vector<double> sparsities;
    std::vector<double> mse;    // z = fixed N(0, I) draw
    std::vector<double> mseZ0;  // z = 0
    double meanMse = 0.0;
    double meanMseZ0 = 0.0;
    int64_t testRows = 0;
};

std::vector<double> defaultInferenceSparsities();  // 0.0, 0.1, ..., 0.9

// latentSeed drives the fixed z draw, maskSeed the inference masks (both fixed so that
// models are compared on identical masks).
SparsityEvaluation evaluateBySparsity(const McVae& model, const DesignTensors& test,
                                      const std::vector<double>& sparsities = defaultInferenceSparsities(),
                                      uint64_t latentSeed = 42, uint64_t maskSeed = 4242);

}  // namespace ms::mcvae
