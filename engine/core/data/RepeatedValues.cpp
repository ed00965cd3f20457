#include "core/data/RepeatedValues.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <utility>

namespace ms {

std::vector<std::vector<double>> repeatedValues(const at::Tensor& x, const at::Tensor& observed,
                                                const std::vector<bool>& skip, const RepeatedValueRule& rule) {
    if (x.dim() != 2 || !observed.sizes().equals(x.sizes()))
        throw std::invalid_argument("repeated values: x and observed must be [N, S] alike");
    const int64_t N = x.size(0), S = x.size(1);
    if (!skip.empty() && static_cast<int64_t>(skip.size()) != S)
        throw std::invalid_argument("repeated values: one skip flag per column");
    const at::Tensor xf = x.to(at::kFloat).contiguous();
    const at::Tensor ob = observed.to(at::kBool).contiguous();
    const float* v = xf.data_ptr<float>();
    const bool* o = ob.data_ptr<bool>();
    std::vector<std::vector<double>> out(static_cast<std::size_t>(S));
    for (int64_t k = 0; k < S; ++k) {
        if (!skip.empty() && skip[static_cast<std::size_t>(k)]) continue;
        std::map<float, int64_t> counts;
        int64_t seen = 0;
        for (int64_t i = 0; i < N; ++i) {
            if (!o[i * S + k] || !std::isfinite(v[i * S + k])) continue;
            ++counts[v[i * S + k]];
            ++seen;
        }
        const auto needed = std::max<int64_t>(rule.minCount, static_cast<int64_t>(std::ceil(rule.minShare * static_cast<double>(seen))));
        std::vector<std::pair<int64_t, float>> frequent;
        for (const auto& [value, count] : counts)
            if (count >= needed) frequent.emplace_back(count, value);
        std::stable_sort(frequent.begin(), frequent.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        if (static_cast<int64_t>(frequent.size()) > rule.maxPerColumn) frequent.resize(static_cast<std::size_t>(rule.maxPerColumn));
        for (const auto& f : frequent) out[static_cast<std::size_t>(k)].push_back(f.second);
    }
    return out;
}

AtomTensors atomTensors(const std::vector<std::vector<double>>& atoms, int64_t columns) {
    AtomTensors t;
    for (const auto& a : atoms) t.width = std::max(t.width, static_cast<int64_t>(a.size()));
    if (t.width == 0) return t;
    if (static_cast<int64_t>(atoms.size()) != columns) throw std::invalid_argument("atoms: one list per column (empty = none)");
    t.value = at::zeros({columns, t.width});
    t.logitMask = at::full({columns, t.width}, -std::numeric_limits<float>::infinity());
    float* v = t.value.data_ptr<float>();
    float* m = t.logitMask.data_ptr<float>();
    for (std::size_t k = 0; k < atoms.size(); ++k)
        for (std::size_t a = 0; a < atoms[k].size(); ++a) {
            const auto at = static_cast<int64_t>(k) * t.width + static_cast<int64_t>(a);
            v[at] = static_cast<float>(atoms[k][a]);
            m[at] = 0.0f;
        }
    return t;
}

}  // namespace ms
