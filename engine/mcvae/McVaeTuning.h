#pragma once
// The mcVAE settings search (issue 13): successive halving over settings drawn from
// McVaeSearchSpace (the base preset's own settings, sized for the data, are trial 0), scored on
// validation folds of the TRAINING part only (the held-out split that `eval` reports is never
// seen), then the best few and the base re-scored by K-fold cross-validation at their full
// budget, fold by fold until the time budget ends; the lowest mean over the folds they all have
// wins. Score: the paper's mean MSE (z = 0) over inference sparsities
// 0.0 ... 0.9 (eval/SparsityEvaluation).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/runtime/CancelToken.h"
#include "core/tuning/SuccessiveHalving.h"
#include "mcvae/PreparedData.h"

namespace ms::mcvae {

struct McVaeTuningSettings {
    double budgetSeconds = 600.0;  // the whole search; 0 = no limit (then `trials` or 81)
    int64_t trials = 0;            // > 0: exactly this many first-rung trials
    int folds = 3;                 // cross-validation folds of the training part
    int finalists = 3;             // best of the last rung re-scored on every fold (with the base)
    int workers = 2;               // trials at once, one intra-op thread each
    int rungs = 4;
    double eta = 3.0;
    uint64_t seed = 0;             // the settings draws and the folds; the split uses the base preset's seed
};

struct TuningTrialReport {
    int trial = 0;
    int rung = -1;             // -1: a cross-validation run of the final stage
    int fold = 0;
    double fraction = 0.0;     // of the trial's updates
    double score = 0.0;        // validation mean MSE (z = 0); +inf when the trial failed
    double seconds = 0.0;      // since the search started
    std::string settings;      // describeMcVaeSettings
    std::string error;
};

struct TuningFinalist {
    int trial = 0;
    std::string settings;
    std::vector<double> foldScores;
    double meanScore = 0.0;
    bool base = false;  // the base preset's settings
};

struct McVaeTuningResult {
    Preset best;                          // explicit epochs and batch for this data (updates = 0)
    double bestScore = 0.0;               // its cross-validated mean MSE (z = 0)
    double baseScore = 0.0;               // the base settings' (NaN when the search stopped before)
    std::vector<TuningFinalist> finalists;  // best first
    int foldsCompared = 0;                // folds every finalist was scored on (ranked on these)
    bool fromHalving = false;             // no run reached its full length in the budget: bestScore
                                          // is the halving leader's at the highest rung reached
    int64_t trials = 0;
    int highestRung = -1;
    double seconds = 0.0;
    bool cancelled = false;               // stopped by the user: best is the best found so far
    int64_t trainRows = 0;
};

// onReport is called for every trial result, serialised, from worker threads. Throws
// std::invalid_argument for bad settings or a table too small to fold.
McVaeTuningResult tuneMcVae(const PreparedData& data, const Preset& base, const McVaeTuningSettings& settings,
                            const std::function<void(const TuningTrialReport&)>& onReport, const CancelToken& cancel);

}  // namespace ms::mcvae
