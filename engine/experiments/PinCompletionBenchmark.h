#pragma once
// How many network calls the studio's pin completions need (issue 20, "pin drags at frame rate"):
// designs nobody trained on, their named keypoints pinned where they truly are, every condition
// unknown; `samples` completions each with S' = steps network calls (0 = one per free element,
// the exact autoregressive draw); scored against the true design by the energy score (a proper
// score of the whole sample: E||X - y|| - E||X - X'|| / 2, lower is better) and the RMSE of the
// completions' mean, over the free outputs in the data's units; time per completion call.
#include <cstdint>
#include <vector>

#include "core/data/DesignTable.h"
#include "sfarm/DesignSfarm.h"

namespace ms::experiments {

struct PinCompletionRow {
    int steps = 0;               // S' (0: one call per free element)
    double milliseconds = 0.0;   // median time of one impute(samples) call
    double energyScore = 0.0;    // mean over rows
    double rmse = 0.0;           // of the completions' mean, pooled over rows and free outputs
    double scoreDiff = 0.0;      // mean paired energy-score difference to the first row's steps
    double scoreDiffSe = 0.0;    // its standard error
};

std::vector<PinCompletionRow> benchmarkPinCompletions(const sfarm::DesignSfarm& model, const DesignTable& designs,
                                                      const std::vector<int>& pinnedKeypoints, const std::vector<int>& steps,
                                                      int rows, int samples, uint64_t seed);

}  // namespace ms::experiments
