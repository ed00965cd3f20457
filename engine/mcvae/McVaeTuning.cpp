#include "mcvae/McVaeTuning.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <random>
#include <stdexcept>

#include "core/data/DesignTensors.h"
#include "core/data/TrainTestSplit.h"
#include "core/runtime/DeadlineCancel.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "core/runtime/WorkerThreads.h"
#include "mcvae/McVae.h"
#include "mcvae/McVaeSearchSpace.h"
#include "mcvae/McVaeTrainer.h"
#include "mcvae/SparsityEvaluation.h"

namespace ms::mcvae {

namespace {

// Share of the budget for successive halving; the rest cross-validates the finalists.
constexpr double kHalvingShare = 0.6;

struct Fold {
    DesignTensors train, validation;
};

// One settings draw trained on one fold, in stages.
class McVaeTrial : public HalvingTrial {
public:
    McVaeTrial(const Preset& settings, const Schema& schema, const Fold& fold) : m_fold(fold) {
        TrainingConfig training = settings.training;
        training.validateEvery = 0;
        training.checkpointEvery = 0;
        training.threads = 1;
        m_epochs = training.epochs;
        m_model = seededModel(settings.architecture.forSchema(schema), training.seed);
        m_trainer = std::make_unique<McVaeTrainer>(m_model, training, fold.train, DesignTensors{}, at::kCPU);
    }

    double trainTo(double fraction, const CancelToken& cancel) override {
        m_trainer->pauseAfterEpoch(std::max<int64_t>(1, static_cast<int64_t>(std::ceil(fraction * static_cast<double>(m_epochs)))));
        m_trainer->run({}, {}, cancel);
        return evaluateBySparsity(m_model, m_fold.validation).meanMseZ0;
    }

private:
    const Fold& m_fold;
    int64_t m_epochs = 0;
    McVae m_model{nullptr};
    std::unique_ptr<McVaeTrainer> m_trainer;
};

// Runs tasks 0..n-1 on `workers` threads with one intra-op thread each.
}  // namespace

McVaeTuningResult tuneMcVae(const PreparedData& data, const Preset& base, const McVaeTuningSettings& s,
                            const std::function<void(const TuningTrialReport&)>& onReport, const CancelToken& cancel) {
    if (s.folds < 2) throw std::invalid_argument("the settings search needs at least 2 folds");
    if (s.finalists < 1 || s.workers < 1) throw std::invalid_argument("the settings search needs a finalist and a worker");
    const Stopwatch clock;
    // The training part of the split `train` would make with the base preset's seed.
    const std::vector<int64_t> trainRows = splitTrainTest(data.table, base.training.testFraction, base.training.seed).train;
    const auto n = static_cast<int64_t>(trainRows.size());
    if (n < 5 * s.folds) throw std::invalid_argument(data.path + ": " + std::to_string(n) + " training rows are too few for " +
                                                     std::to_string(s.folds) + " validation folds");
    const DesignTensors all = makeDesignTensors(data.table, data.normalization);
    std::vector<int64_t> order = trainRows;
    std::mt19937_64 foldRng(s.seed + 17);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[foldRng() % i]);
    std::vector<Fold> folds(static_cast<std::size_t>(s.folds));
    for (int k = 0; k < s.folds; ++k) {
        std::vector<int64_t> fit, held;
        for (std::size_t i = 0; i < order.size(); ++i) (static_cast<int>(i % static_cast<std::size_t>(s.folds)) == k ? held : fit).push_back(order[i]);
        folds[static_cast<std::size_t>(k)] = {all.select(fit), all.select(held)};
    }
    const int64_t fitRows = folds[0].train.rows();

    // Trial i's settings depend on (seed, i) only, so the draws do not depend on thread timing.
    Preset sized = base;
    sized.training.scaleToRows(fitRows);
    sized.training.updates = 0;
    const auto settingsOf = [&](int trial) {
        if (trial == 0) return sized;
        std::mt19937_64 rng(s.seed * 1000003ULL + static_cast<uint64_t>(trial));
        return sampleMcVaeSettings(sized, fitRows, rng);
    };
    std::mutex reportMutex;
    const auto report = [&](TuningTrialReport r) {
        r.settings = describeMcVaeSettings(settingsOf(r.trial), fitRows);
        const std::lock_guard<std::mutex> lock(reportMutex);
        if (onReport) onReport(r);
    };

    HalvingSettings hs;
    hs.rungs = s.rungs;
    hs.eta = s.eta;
    hs.workers = s.workers;
    hs.trials = s.trials;
    // About 40 % of the budget stays for cross-validating the finalists; the whole search ends
    // within the budget (cross-validation runs still going at the deadline are stopped).
    hs.budgetSeconds = s.budgetSeconds > 0 ? kHalvingShare * s.budgetSeconds : 0.0;
    hs.hardStopSeconds = s.budgetSeconds;
    hs.firstRungShare = 0.32;
    hs.onWorkerStart = [] { at::set_num_threads(1); };
    const HalvingOutcome h = runSuccessiveHalving(
        [&](int id) { return std::make_unique<McVaeTrial>(settingsOf(id), data.schema, folds[0]); }, hs,
        [&](const HalvingRecord& r) { report({r.trial, r.rung, 0, r.fraction, r.score, r.seconds, {}, r.error}); }, cancel);

    McVaeTuningResult result;
    result.trials = h.trialsStarted;
    result.highestRung = h.highestRung;
    result.trainRows = fitRows;
    if (h.ranking.empty()) throw std::runtime_error("the settings search stopped before any trial was scored");
    result.baseScore = std::numeric_limits<double>::quiet_NaN();

    // Finalists: the best of the highest rung, and the base settings.
    std::vector<int> finalists(h.ranking.begin(), h.ranking.begin() + std::min<std::size_t>(h.ranking.size(), static_cast<std::size_t>(s.finalists)));
    if (std::find(finalists.begin(), finalists.end(), 0) == finalists.end()) finalists.push_back(0);
    const bool lastRung = h.highestRung == s.rungs - 1;
    std::vector<std::vector<double>> scores(finalists.size(), std::vector<double>(static_cast<std::size_t>(s.folds), NAN));
    for (std::size_t f = 0; f < finalists.size(); ++f)
        for (const auto& r : h.records)
            if (lastRung && r.trial == finalists[f] && r.rung == s.rungs - 1) scores[f][0] = r.score;
    if (!cancel.cancelled()) {
        // Fold by fold, so that at the deadline every finalist has the same folds (bar the last).
        std::vector<std::pair<std::size_t, int>> runs;  // (finalist, fold)
        for (int k = 0; k < s.folds; ++k)
            for (std::size_t f = 0; f < finalists.size(); ++f)
                if (std::isnan(scores[f][static_cast<std::size_t>(k)])) runs.emplace_back(f, k);
        const double left = s.budgetSeconds > 0 ? s.budgetSeconds - clock.seconds() : 0.0;
        const DeadlineCancel deadline(cancel, left);
        const CancelToken& stage = deadline.token();  // the user's cancel or the end of the budget
        if (s.budgetSeconds > 0 && left <= 0) runs.clear();
        parallelFor(static_cast<int64_t>(runs.size()), s.workers, [] { at::set_num_threads(1); }, [&](int64_t i) {
            if (stage.cancelled() || cancel.cancelled()) return;
            const auto [f, k] = runs[static_cast<std::size_t>(i)];
            double score = std::numeric_limits<double>::infinity();
            std::string error;
            try {
                McVaeTrial trial(settingsOf(finalists[f]), data.schema, folds[static_cast<std::size_t>(k)]);
                score = trial.trainTo(1.0, stage);
            } catch (const std::exception& e) {
                error = e.what();
            }
            if (stage.cancelled() || cancel.cancelled()) return;  // stopped part-way: not a full-budget score
            scores[f][static_cast<std::size_t>(k)] = std::isfinite(score) ? score : std::numeric_limits<double>::infinity();
            report({finalists[f], -1, k, 1.0, scores[f][static_cast<std::size_t>(k)], clock.seconds(), {}, error});
        });
    }
    // Finalists are compared on the folds every one of them has (all of them unless the deadline
    // or the user stopped the stage); with none in common, on what each has.
    std::vector<std::size_t> common;
    for (std::size_t k = 0; k < static_cast<std::size_t>(s.folds); ++k)
        if (std::all_of(scores.begin(), scores.end(), [k](const std::vector<double>& v) { return !std::isnan(v[k]); }))
            common.push_back(k);
    result.foldsCompared = static_cast<int>(common.size());
    for (std::size_t f = 0; f < finalists.size(); ++f) {
        TuningFinalist fin;
        fin.trial = finalists[f];
        fin.settings = describeMcVaeSettings(settingsOf(fin.trial), fitRows);
        fin.base = fin.trial == 0;
        for (double v : scores[f])
            if (!std::isnan(v)) fin.foldScores.push_back(v);
        double sum = 0.0;
        if (!common.empty()) {
            for (std::size_t k : common) sum += scores[f][k];
            fin.meanScore = sum / static_cast<double>(common.size());
        } else {
            for (double v : fin.foldScores) sum += v;
            fin.meanScore = fin.foldScores.empty() ? std::numeric_limits<double>::infinity() : sum / static_cast<double>(fin.foldScores.size());
        }
        if (fin.base && !common.empty()) result.baseScore = fin.meanScore;
        result.finalists.push_back(fin);
    }
    const bool anyFullRun = std::any_of(result.finalists.begin(), result.finalists.end(),
                                        [](const TuningFinalist& f) { return !f.foldScores.empty(); });
    if (anyFullRun) {
        // Rank by the cross-validated mean; a finalist that missed folds (cancelled) ranks by what it has.
        std::stable_sort(result.finalists.begin(), result.finalists.end(),
                         [](const TuningFinalist& a, const TuningFinalist& b) { return a.meanScore < b.meanScore; });
        result.bestScore = result.finalists.front().meanScore;
    } else {
        // The budget ended before any run reached its full length: the halving's ranking decides,
        // scored by the leader's result at the highest rung reached (finalists are in that order).
        result.fromHalving = true;
        for (const auto& r : h.records)
            if (r.trial == result.finalists.front().trial && r.rung == h.highestRung) result.bestScore = r.score;
    }
    result.best = settingsOf(result.finalists.front().trial);
    result.cancelled = cancel.cancelled();
    result.seconds = clock.seconds();
    return result;
}

}  // namespace ms::mcvae
