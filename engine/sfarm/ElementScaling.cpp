#include "sfarm/ElementScaling.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

namespace ms::sfarm {

void setElementScaling(SfarmModelFile& f, const at::Tensor& x, const at::Tensor& observed, const std::vector<int64_t>& classes,
                       const std::vector<int64_t>& levels) {
    f.mean.clear();
    f.sd.clear();
    f.low.clear();
    f.high.clear();
    for (int64_t k = 0; k < x.size(1); ++k) {
        const bool categorical = !classes.empty() && classes[static_cast<size_t>(k)] > 0;
        const at::Tensor col = x.select(1, k).masked_select(observed.select(1, k)).to(at::kDouble);
        double mean = 0.0, sd = 1.0, low = 0.0, high = 0.0;
        if (col.numel() > 0) {
            low = col.min().item<double>();
            high = col.max().item<double>();
            if (!categorical) mean = col.mean().item<double>();
        }
        if (!categorical && col.numel() > 1) {
            const double s = col.std().item<double>();
            if (s > 1e-12) sd = s;
        }
        if (!levels.empty() && levels[static_cast<size_t>(k)] > 0 && high > low) {
            mean = 0.5 * (low + high);
            sd = 0.5 * (high - low);
        }
        f.mean.push_back(mean);
        f.sd.push_back(sd);
        f.low.push_back(low);
        f.high.push_back(high);
    }
}

std::vector<int64_t> integerLevels(const at::Tensor& x, const at::Tensor& observed, const std::vector<int64_t>& classes,
                                   int64_t maxLevels) {
    std::vector<int64_t> levels(static_cast<size_t>(x.size(1)), 0);
    for (int64_t k = 0; k < x.size(1); ++k) {
        if (!classes.empty() && classes[static_cast<size_t>(k)] > 0) continue;
        const at::Tensor col = x.select(1, k).masked_select(observed.select(1, k)).to(at::kDouble);
        if (col.numel() < 2 || !at::equal(col, col.round())) continue;
        const double span = col.max().item<double>() - col.min().item<double>();
        if (span >= 1.0 && span + 1.0 <= static_cast<double>(maxLevels)) levels[static_cast<size_t>(k)] = static_cast<int64_t>(span) + 1;
    }
    return levels;
}

at::Tensor standardise(const at::Tensor& x, const SfarmModelFile& f) {
    const at::Tensor mean = at::tensor(f.mean, at::kDouble).to(at::kFloat), sd = at::tensor(f.sd, at::kDouble).to(at::kFloat);
    return (x.to(at::kFloat) - mean) / sd;
}

double rawValue(const SfarmModelFile& f, std::size_t k, double standardised, bool roundIntegers) {
    const double raw = standardised * f.sd[k] + f.mean[k];
    const SfarmMlpConfig& c = f.model->config();
    if (c.integer(static_cast<int64_t>(k))) return roundIntegers ? std::round(raw) : std::round(raw * 1e6) / 1e6;
    if (k < c.atoms.size())
        for (double a : c.atoms[k])
            if (static_cast<float>(a) == static_cast<float>(standardised)) {
                // Rounded to a millionth of the column's sd it is the value the user wrote.
                const double step = std::pow(10.0, std::floor(std::log10(f.sd[k])) - 6.0);
                return std::round(raw / step) * step;
            }
    return raw;
}

void boundToTrainingRange(ImputeSettings& settings, const SfarmModelFile& f, double margin) {
    if (f.low.empty() || f.low.size() != f.mean.size()) return;
    std::vector<float> lower, upper;
    for (size_t k = 0; k < f.mean.size(); ++k) {
        const double widen = margin * (f.high[k] - f.low[k]);
        lower.push_back(static_cast<float>((f.low[k] - widen - f.mean[k]) / f.sd[k]));
        upper.push_back(static_cast<float>((f.high[k] + widen - f.mean[k]) / f.sd[k]));
    }
    settings.lower = at::tensor(lower).view({1, -1});
    settings.upper = at::tensor(upper).view({1, -1});
}

}  // namespace ms::sfarm
