#pragma once
// The paper's split: a seeded 85/15 shuffle, redrawn with seed + 1, + 2, ... until every class
// of every categorical condition that occurs in the data occurs in the training part.
#include <cstdint>
#include <vector>

#include "core/data/DesignTable.h"

namespace ms {

struct TrainTestSplit {
    std::vector<int64_t> train;  // row indices, in shuffled order
    std::vector<int64_t> test;   // row indices, ascending
    uint64_t seedUsed = 0;       // the seed of the accepted draw
    int draws = 1;
};

// Throws std::runtime_error if no draw within maxDraws covers every class (e.g. a class with a
// single row and testFraction so large that it always falls out).
TrainTestSplit splitTrainTest(const DesignTable& table, double testFraction, uint64_t seed, int maxDraws = 1000);

}  // namespace ms
