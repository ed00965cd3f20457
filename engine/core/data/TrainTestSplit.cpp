#include "core/data/TrainTestSplit.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <stdexcept>

namespace ms {
namespace {

// Fisher-Yates with our own index draws: std::shuffle's use of the engine is unspecified, and
// the split must be the same on every standard library.
std::vector<int64_t> shuffledRows(size_t n, uint64_t seed) {
    std::vector<int64_t> rows(n);
    for (size_t i = 0; i < n; ++i) rows[i] = static_cast<int64_t>(i);
    std::mt19937_64 rng(seed);
    for (size_t i = n; i > 1; --i) std::swap(rows[i - 1], rows[rng() % i]);
    return rows;
}

bool coversAllClasses(const DesignTable& t, const std::vector<int64_t>& train,
                      const std::vector<std::set<int>>& present) {
    for (size_t c = 0; c < t.categoricalCount; ++c) {
        std::set<int> seen;
        for (int64_t r : train) {
            const int k = t.category(static_cast<size_t>(r), c);
            if (k != DesignTable::kUnknownClass) seen.insert(k);
        }
        if (seen.size() != present[c].size()) return false;
    }
    return true;
}

}  // namespace

TrainTestSplit splitTrainTest(const DesignTable& t, double testFraction, uint64_t seed, int maxDraws) {
    std::vector<std::set<int>> present(t.categoricalCount);
    for (size_t r = 0; r < t.rows; ++r)
        for (size_t c = 0; c < t.categoricalCount; ++c)
            if (t.category(r, c) != DesignTable::kUnknownClass) present[c].insert(t.category(r, c));

    const auto nTest = static_cast<size_t>(std::floor(testFraction * static_cast<double>(t.rows)));
    for (int draw = 0; draw < maxDraws; ++draw) {
        const uint64_t s = seed + static_cast<uint64_t>(draw);
        std::vector<int64_t> rows = shuffledRows(t.rows, s);
        TrainTestSplit split;
        split.test.assign(rows.begin(), rows.begin() + static_cast<long>(nTest));
        split.train.assign(rows.begin() + static_cast<long>(nTest), rows.end());
        if (!coversAllClasses(t, split.train, present)) continue;
        std::sort(split.test.begin(), split.test.end());
        split.seedUsed = s;
        split.draws = draw + 1;
        return split;
    }
    throw std::runtime_error("could not draw a train/test split in which every class occurs in training (" +
                             std::to_string(maxDraws) + " draws); lower the test fraction or merge rare classes");
}

}  // namespace ms
