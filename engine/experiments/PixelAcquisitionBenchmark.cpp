#include "experiments/PixelAcquisitionBenchmark.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>

#include "core/runtime/Stopwatch.h"
#include "sfarm/SfarmInference.h"
#include "sfarm/SfarmInformationGain.h"

namespace ms::experiments {

PixelRectangle parsePixelRectangle(const std::string& text) {
    std::vector<int64_t> v;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, ',')) {
        try {
            std::size_t used = 0;
            v.push_back(std::stoll(part, &used));
            if (used != part.size()) throw std::invalid_argument(part);
        } catch (const std::exception&) {
            throw std::invalid_argument("target rectangle '" + text + "': expected X,Y,W,H in whole pixels");
        }
    }
    if (v.size() != 4) throw std::invalid_argument("target rectangle '" + text + "': expected X,Y,W,H in whole pixels");
    return {v[0], v[1], v[2], v[3]};
}

namespace {

// Target MSE of SFARM's point imputation, per row of `observed` ([R, S] bool) against `truth`.
std::vector<double> targetErrors(const PixelModel& m, const at::Tensor& truth, const at::Tensor& observed,
                                 const at::Tensor& target, int64_t steps, uint64_t seed) {
    std::mt19937_64 rng(seed);
    sfarm::ImputeSettings s;
    s.sample = false;
    s.steps = steps;
    const at::Tensor filled = sfarm::sfarmImpute(*m.sfarm, sfarm::ElementGrid{m.height, m.width}, truth, observed, s, rng);
    const at::Tensor t = target.to(at::kFloat).view({1, -1});
    const at::Tensor mse = ((filled - truth).square() * t).sum(1) / t.sum();
    const at::Tensor d = mse.to(at::kDouble).contiguous();
    return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
}

}  // namespace

PixelAcquisitionCurves runPixelAcquisitionBenchmark(const PixelModel& m, const at::Tensor& images,
                                                    const PixelAcquisitionSettings& s, const CancelToken& cancel) {
    if (m.method != PixelMethod::Sfarm)
        throw std::invalid_argument(std::string("pixel acquisition needs an SFARM model, this is ") + pixelMethodName(m.method));
    const int64_t H = m.height, W = m.width, S = H * W;
    if (images.dim() != 2 || images.size(1) != S || images.size(0) < 1)
        throw std::invalid_argument("pixel acquisition: images must be [N, " + std::to_string(S) + "]");
    const PixelRectangle& r = s.target;
    if (r.width < 1 || r.height < 1 || r.x < 0 || r.y < 0 || r.x + r.width > W || r.y + r.height > H)
        throw std::invalid_argument("pixel acquisition: the target rectangle " + std::to_string(r.x) + "," + std::to_string(r.y) +
                                    "," + std::to_string(r.width) + "," + std::to_string(r.height) + " must lie inside the " +
                                    std::to_string(W) + " x " + std::to_string(H) + " image");
    if (s.candidateStride < 1 || s.acquisitions < 0 || s.samples < 1 || s.initialObserved < 0.0 || s.initialObserved >= 1.0)
        throw std::invalid_argument("pixel acquisition: stride and samples must be positive, acquisitions >= 0, initial share in [0, 1)");

    at::Tensor target = at::zeros({S}, at::kBool);
    target.view({H, W}).narrow(0, r.y, r.height).narrow(1, r.x, r.width).fill_(true);
    const bool* isTarget = target.data_ptr<bool>();
    std::vector<int64_t> grid;
    for (int64_t y = 0; y < H; y += s.candidateStride)
        for (int64_t x = 0; x < W; x += s.candidateStride)
            if (!isTarget[y * W + x]) grid.push_back(y * W + x);

    const Stopwatch clock;
    const int64_t N = images.size(0), A = s.acquisitions;
    PixelAcquisitionCurves out;
    // Per image: the observed masks after k = 0..A greedy and random acquisitions.
    std::vector<at::Tensor> greedyMasks, randomMasks;
    for (int64_t i = 0; i < N; ++i) {
        std::mt19937_64 rng(s.seed + static_cast<uint64_t>(i));
        at::Tensor observed = at::zeros({S}, at::kBool);
        {
            std::vector<int64_t> others;
            for (int64_t k = 0; k < S; ++k)
                if (!isTarget[k]) others.push_back(k);
            std::shuffle(others.begin(), others.end(), rng);
            const auto known = static_cast<std::size_t>(std::llround(s.initialObserved * static_cast<double>(others.size())));
            for (std::size_t j = 0; j < known; ++j) observed[others[j]] = true;
        }
        std::vector<int64_t> open;
        const bool* o = observed.data_ptr<bool>();
        for (int64_t k : grid)
            if (!o[k]) open.push_back(k);
        if (static_cast<int64_t>(open.size()) < A)
            throw std::invalid_argument("pixel acquisition: " + std::to_string(A) + " acquisitions but only " +
                                        std::to_string(open.size()) + " candidate pixels (lower --stride)");
        // Random order over the same candidates.
        std::vector<int64_t> shuffled = open;
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        at::Tensor rnd = observed.clone();
        randomMasks.push_back(rnd.clone());
        for (int64_t k = 0; k < A; ++k) {
            rnd[shuffled[static_cast<std::size_t>(k)]] = true;
            randomMasks.push_back(rnd.clone());
        }
        // Greedy: the most informative open candidate, revealed, then rank again.
        at::Tensor greedy = observed.clone();
        greedyMasks.push_back(greedy.clone());
        std::vector<int64_t> picks;
        sfarm::InformationGainSettings gs;
        gs.samples = s.samples;
        for (int64_t k = 0; k < A; ++k) {
            if (cancel.cancelled()) return out;
            const auto ranked = sfarm::rankByInformationGain(*m.sfarm, images[i], greedy, target, open, gs, rng);
            if (i == 0 && k == 0) {
                out.firstInformation.assign(static_cast<std::size_t>(S), std::numeric_limits<double>::quiet_NaN());
                for (const auto& e : ranked) out.firstInformation[static_cast<std::size_t>(e.element)] = e.information;
            }
            const int64_t pick = ranked.front().element;
            picks.push_back(pick);
            greedy[pick] = true;
            open.erase(std::find(open.begin(), open.end(), pick));
            greedyMasks.push_back(greedy.clone());
        }
        out.greedyPicks.push_back(picks);
        if (s.log) s.log("image " + std::to_string(i) + ": " + std::to_string(A) + " greedy picks (" + std::to_string(clock.seconds()) + " s)");
    }
    // Target errors after each step, every image and strategy in one batch per strategy.
    const at::Tensor truth = images.to(at::kFloat).repeat_interleave(A + 1, 0);
    const std::vector<double> g = targetErrors(m, truth, at::stack(greedyMasks), target, s.imputeSteps, s.seed + 17);
    const std::vector<double> rn = targetErrors(m, truth, at::stack(randomMasks), target, s.imputeSteps, s.seed + 17);
    out.greedy.assign(static_cast<std::size_t>(A + 1), 0.0);
    out.random.assign(static_cast<std::size_t>(A + 1), 0.0);
    for (int64_t i = 0; i < N; ++i)
        for (int64_t k = 0; k <= A; ++k) {
            const auto at = static_cast<std::size_t>(i * (A + 1) + k);
            out.greedy[static_cast<std::size_t>(k)] += g[at] / static_cast<double>(N);
            out.random[static_cast<std::size_t>(k)] += rn[at] / static_cast<double>(N);
        }
    out.seconds = clock.seconds();
    return out;
}

}  // namespace ms::experiments
