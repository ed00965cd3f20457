#pragma once
// Successive halving (Jamieson & Talwalkar 2016; the synchronous form of ASHA / Hyperband's
// inner loop): many trials get a small share of their training budget, the best 1/eta continue
// to eta times more, and so on until the last rung trains the survivors fully. A trial keeps its
// state between rungs (it resumes, nothing is trained twice). Trials of a rung run on `workers`
// threads at once.
//
// Generic and torch-free: a trial is anything that can be trained to a fraction of its budget
// and scored (lower is better). With a time budget, the first rung takes new trials until its
// share of the budget is spent; every later rung costs about 2/3 of the first, so the search
// ends near its budget; past the budget it stops after the running trials and reports the best
// of the highest rung reached. Cancel does the same at once.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/runtime/CancelToken.h"

namespace ms {

class HalvingTrial {
public:
    virtual ~HalvingTrial() = default;
    // Trains on until `fraction` (0..1] of the trial's budget is done and returns the
    // validation score, lower better (a non-finite score drops the trial). May throw: the
    // trial is then dropped with its message recorded. Called by one thread at a time.
    virtual double trainTo(double fraction, const CancelToken& cancel) = 0;
};

struct HalvingSettings {
    int rungs = 4;       // fractions eta^-(rungs-1), ..., 1
    double eta = 3.0;
    int workers = 2;     // trials trained at once
    int64_t trials = 0;  // > 0: exactly this many first-rung trials (then budgetSeconds only stops)
    double budgetSeconds = 0.0;  // > 0: a time budget for the whole search
    // > 0: runs still going this many seconds after the start are stopped and their results
    // dropped (budgetSeconds only stops new work from starting).
    double hardStopSeconds = 0.0;
    double firstRungShare = 0.3;  // of the budget, for the first rung when trials == 0
    int64_t maxTrials = 10000;
    // Called at the start of each worker thread (e.g. to give it one intra-op thread).
    std::function<void()> onWorkerStart;
};

struct HalvingRecord {
    int trial = 0;
    int rung = 0;
    double fraction = 0.0;
    double score = 0.0;    // +inf when the trial failed
    double seconds = 0.0;  // since the search started, when the result came in
    std::string error;     // why a trial failed
};

struct HalvingOutcome {
    std::vector<HalvingRecord> records;  // in the order they came in
    std::vector<int> ranking;            // trials of the highest rung reached, best first
    int highestRung = -1;
    int64_t trialsStarted = 0;
    double seconds = 0.0;
    bool cancelled = false;
    bool outOfTime = false;
};

// makeTrial(i) builds trial i (called from worker threads, one call per trial; must be safe to
// call concurrently). onRecord is called for every result, serialised. A trial object lives
// until the search returns; `keep` receives ownership of every trial at the end (may be empty).
HalvingOutcome runSuccessiveHalving(const std::function<std::unique_ptr<HalvingTrial>(int)>& makeTrial,
                                    const HalvingSettings& settings, const std::function<void(const HalvingRecord&)>& onRecord,
                                    const CancelToken& cancel, std::vector<std::unique_ptr<HalvingTrial>>* keep = nullptr);

// The fraction of the budget at rung r (0-based) of `rungs`.
double halvingFraction(int rung, int rungs, double eta);

}  // namespace ms
