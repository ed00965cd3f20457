#pragma once
// The values a column repeats (SfarmMlpConfig::atoms): in engineering tables a continuous
// column often holds a few exact values many times (0 = none of an ingredient, the levels of a
// designed experiment, a standard size) beside genuinely continuous ones.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace ms {

// The log sd of an atom component (standardised units): e^-5 = 0.0067, the floor of the MIWAE
// decoder's sd, so models with atoms cap the density on a repeated value alike (4.08 nats).
constexpr double kAtomLogStd = -5.0;

struct RepeatedValueRule {
    double minShare = 0.02;     // of the column's observed values
    int64_t minCount = 5;       // and at least this many times
    int64_t maxPerColumn = 32;  // the most frequent ones first
};

// x: [N, S] float, observed: [N, S] bool. Per column, the values (exact, as stored in x) that
// satisfy the rule, most frequent first; columns where `skip[k]` is true (categorical, integer)
// get none. skip may be empty.
std::vector<std::vector<double>> repeatedValues(const at::Tensor& x, const at::Tensor& observed,
                                                const std::vector<bool>& skip, const RepeatedValueRule& rule = {});

// Per-column atom lists as padded tensors for a network's components: values [S, A] and a logit
// mask [S, A] (0 for an atom, -inf for padding), A = the longest list (0: both undefined).
struct AtomTensors {
    at::Tensor value, logitMask;
    int64_t width = 0;  // A
};
AtomTensors atomTensors(const std::vector<std::vector<double>>& atoms, int64_t columns);

}  // namespace ms
