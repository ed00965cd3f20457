#include "sfarm/SfarmInformationGain.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "sfarm/MaskingMode.h"

namespace ms::sfarm {

std::vector<ElementInformation> rankByInformationGain(const SfarmNetwork& model, const at::Tensor& x,
                                                      const at::Tensor& observed, const at::Tensor& target,
                                                      std::vector<int64_t> candidates,
                                                      const InformationGainSettings& settings, std::mt19937_64& rng) {
    const int64_t S = model.elementCount();
    if (x.numel() != S || observed.numel() != S || target.numel() != S)
        throw std::invalid_argument("information gain: x, observed and target must have " + std::to_string(S) + " elements");
    if (settings.samples < 1 || settings.batchRows < 1)
        throw std::invalid_argument("information gain: needs at least one sample and one row per call");
    const at::Tensor seen = observed.reshape({S}).to(at::kBool).contiguous();
    const at::Tensor wanted = target.reshape({S}).to(at::kBool).contiguous();
    if ((seen & wanted).any().item<bool>()) throw std::invalid_argument("information gain: a target element is already observed");
    if (!wanted.any().item<bool>()) throw std::invalid_argument("information gain: no target element");
    const bool* isSeen = seen.data_ptr<bool>();
    const bool* isTarget = wanted.data_ptr<bool>();
    if (candidates.empty()) {
        for (int64_t k = 0; k < S; ++k)
            if (!isSeen[k] && !isTarget[k]) candidates.push_back(k);
    }
    for (int64_t k : candidates)
        if (k < 0 || k >= S || isSeen[k] || isTarget[k])
            throw std::invalid_argument("information gain: candidate " + std::to_string(k) +
                                        " must be an element that is neither observed nor a target");
    if (candidates.empty()) return {};

    c10::InferenceMode guard;
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(rng());
    const at::Tensor active = seen.to(at::kFloat).view({1, S});
    const at::Tensor values = at::where(seen, x.reshape({S}).to(at::kFloat), at::zeros({S})).view({1, S});
    const int64_t known = seen.sum().item<int64_t>();
    const int64_t K = settings.samples;
    const auto steps = [S](int64_t rows, int64_t step) { return at::full({rows}, std::min(step, S), at::kLong); };
    const auto random = [](int64_t rows) { return at::full({rows}, static_cast<int64_t>(MaskingMode::Random), at::kLong); };

    // x_k^(s) ~ p(x_k | x_O) for every element k at once: one call of K rows.
    const at::Tensor firstDraws =
        model.elementDraw(values.expand({K, S}), active.expand({K, S}), steps(K, known + 1), random(K), true, gen, 0.0);

    const auto C = static_cast<int64_t>(candidates.size());
    const int64_t perCall = std::max<int64_t>(1, settings.batchRows / K);
    std::vector<double> information(static_cast<std::size_t>(C), 0.0);
    const at::Tensor targetRow = wanted.view({1, S});
    for (int64_t from = 0; from < C; from += perCall) {
        const int64_t n = std::min(perCall, C - from), R = n * K;
        // Row (c, s): the observed values plus candidate c's draw s, active.
        at::Tensor rowValues = values.repeat({R, 1});
        at::Tensor rowActive = active.repeat({R, 1});
        at::Tensor candidate = at::empty({R}, at::kLong);
        int64_t* cand = candidate.data_ptr<int64_t>();
        for (int64_t c = 0; c < n; ++c)
            for (int64_t s = 0; s < K; ++s) cand[c * K + s] = candidates[static_cast<std::size_t>(from + c)];
        const at::Tensor rows = at::arange(R, at::kLong);
        const at::Tensor drawRow = rows.remainder(K);
        rowValues.index_put_({rows, candidate}, firstDraws.index({drawRow, candidate}));
        rowActive.index_put_({rows, candidate}, at::ones({R}));
        // x_t ~ p(x_t | x_O, x_k), scored under the candidate-conditioned and the prior conditionals.
        const at::Tensor targets = model.elementDraw(rowValues, rowActive, steps(R, known + 2), random(R), true, gen, 0.0);
        const at::Tensor scored = at::where(targetRow, targets, rowValues);
        const at::Tensor posterior = model.elementLogDensity(scored, rowActive, steps(R, known + 2), random(R));
        // p(x_t | x_O) as the mixture (1/J) sum_j p(x_t | x_O, x_k^(j)) over J of the candidate's
        // draws: the same conditionals as the posterior, so the estimate is never negative in
        // expectation and the network's step |O| + 1 conditional (which a finite network need not
        // keep consistent with step |O| + 2) does not enter.
        const int64_t J = std::min(K, settings.marginalDraws);
        at::Tensor pairValues = scored.repeat_interleave(J, 0);  // row (c, s, j)
        const at::Tensor pairRows = at::arange(R * J, at::kLong);
        const at::Tensor pairCandidate = candidate.repeat_interleave(J);
        const at::Tensor pairDraw = pairRows.remainder(J);
        pairValues.index_put_({pairRows, pairCandidate}, firstDraws.index({pairDraw, pairCandidate}));
        const at::Tensor pairs =
            model.elementLogDensity(pairValues, rowActive.repeat_interleave(J, 0), steps(R * J, known + 2), random(R * J));
        const at::Tensor prior = at::logsumexp(pairs.to(at::kDouble).view({R, J, S}), 1) - std::log(static_cast<double>(J));
        const at::Tensor gain = ((posterior.to(at::kDouble) - prior) * targetRow.to(at::kDouble)).sum(1).view({n, K}).mean(1).contiguous();
        const double* g = gain.data_ptr<double>();
        for (int64_t c = 0; c < n; ++c) information[static_cast<std::size_t>(from + c)] = g[c];
    }
    std::vector<ElementInformation> ranked;
    for (int64_t c = 0; c < C; ++c) ranked.push_back({candidates[static_cast<std::size_t>(c)], information[static_cast<std::size_t>(c)]});
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const ElementInformation& a, const ElementInformation& b) { return a.information > b.information; });
    return ranked;
}

}  // namespace ms::sfarm
