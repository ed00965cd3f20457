#include "core/tuning/SuccessiveHalving.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <stdexcept>

#include "core/runtime/DeadlineCancel.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/WorkerThreads.h"

namespace ms {

double halvingFraction(int rung, int rungs, double eta) { return std::pow(eta, -static_cast<double>(rungs - 1 - rung)); }

namespace {

constexpr int64_t kTrialsWithoutBudget = 81;

}  // namespace

HalvingOutcome runSuccessiveHalving(const std::function<std::unique_ptr<HalvingTrial>(int)>& makeTrial,
                                    const HalvingSettings& s, const std::function<void(const HalvingRecord&)>& onRecord,
                                    const CancelToken& cancel, std::vector<std::unique_ptr<HalvingTrial>>* keep) {
    if (s.rungs < 1 || !(s.eta > 1.0) || s.workers < 1)
        throw std::invalid_argument("successive halving: needs at least one rung, eta > 1 and one worker");
    const Stopwatch clock;
    const DeadlineCancel stop(cancel, s.hardStopSeconds);
    const CancelToken& halt = stop.token();  // the user's cancel or the hard stop (trips within 20 ms)
    const auto stopped = [&] { return cancel.cancelled() || halt.cancelled(); };
    std::mutex mutex;
    HalvingOutcome out;
    std::vector<std::unique_ptr<HalvingTrial>> trials;
    std::vector<std::vector<std::pair<double, int>>> results(static_cast<std::size_t>(s.rungs));  // (score, trial) per rung
    const int64_t fixedTrials = s.trials > 0 ? s.trials : s.budgetSeconds > 0 ? 0 : kTrialsWithoutBudget;
    const auto overBudget = [&] { return s.budgetSeconds > 0 && clock.seconds() >= s.budgetSeconds; };

    // Records one result (under the lock).
    const auto record = [&](int trial, int rung, double score, std::string error) {
        HalvingRecord r{trial, rung, halvingFraction(rung, s.rungs, s.eta), std::isfinite(score) ? score : std::numeric_limits<double>::infinity(),
                        clock.seconds(), std::move(error)};
        out.records.push_back(r);
        results[static_cast<std::size_t>(rung)].emplace_back(r.score, trial);
        if (onRecord) onRecord(r);
    };
    const auto train = [&](HalvingTrial* t, int id, int rung) {
        double score = std::numeric_limits<double>::infinity();
        std::string error;
        try {
            score = t->trainTo(halvingFraction(rung, s.rungs, s.eta), halt);
        } catch (const std::exception& e) {
            error = e.what();
        }
        if (stopped()) return;  // an interrupted trial's score means nothing
        const std::lock_guard<std::mutex> lock(mutex);
        record(id, rung, score, std::move(error));
    };

    // First rung: new trials until their count or the first rung's share of the budget is reached.
    int nextId = 0;
    runOnThreads(s.workers, s.onWorkerStart, [&] {
        for (;;) {
            int id;
            {
                const std::lock_guard<std::mutex> lock(mutex);
                const bool enough = fixedTrials > 0 ? nextId >= fixedTrials
                                                    : nextId >= s.maxTrials || clock.seconds() >= s.firstRungShare * s.budgetSeconds;
                if (enough || stopped() || overBudget()) return;
                id = nextId++;
                trials.emplace_back();
            }
            std::unique_ptr<HalvingTrial> t;
            try {
                t = makeTrial(id);
            } catch (const std::exception& e) {
                const std::lock_guard<std::mutex> lock(mutex);
                record(id, 0, std::numeric_limits<double>::infinity(), e.what());
                continue;
            }
            train(t.get(), id, 0);
            const std::lock_guard<std::mutex> lock(mutex);
            trials[static_cast<std::size_t>(id)] = std::move(t);
        }
    });
    out.trialsStarted = nextId;

    const auto ranked = [&](int rung) {
        std::vector<std::pair<double, int>> r;
        for (const auto& p : results[static_cast<std::size_t>(rung)])
            if (std::isfinite(p.first)) r.push_back(p);
        std::sort(r.begin(), r.end());  // by score, then by trial id: independent of arrival order
        return r;
    };
    int highest = ranked(0).empty() ? -1 : 0;
    for (int rung = 1; rung < s.rungs && highest == rung - 1; ++rung) {
        if (stopped() || overBudget()) break;
        const auto previous = ranked(rung - 1);
        const auto survivors = static_cast<std::size_t>(std::ceil(static_cast<double>(previous.size()) / s.eta));
        std::vector<int> todo;
        for (std::size_t i = 0; i < survivors && i < previous.size(); ++i) todo.push_back(previous[i].second);
        // The others are done: free them (a search of hundreds of trials would hold them all).
        for (std::size_t id = 0; id < trials.size(); ++id)
            if (std::find(todo.begin(), todo.end(), static_cast<int>(id)) == todo.end()) trials[id].reset();
        std::size_t next = 0;
        runOnThreads(std::min<int>(s.workers, static_cast<int>(todo.size())), s.onWorkerStart, [&] {
            for (;;) {
                int id;
                {
                    const std::lock_guard<std::mutex> lock(mutex);
                    if (next >= todo.size() || stopped()) return;
                    id = todo[next++];
                }
                train(trials[static_cast<std::size_t>(id)].get(), id, rung);
            }
        });
        // A rung counts once every survivor is scored (a cut-off rung does not rank anything).
        if (!stopped() && results[static_cast<std::size_t>(rung)].size() == todo.size() && !ranked(rung).empty())
            highest = rung;
    }
    out.highestRung = highest;
    if (highest >= 0)
        for (const auto& p : ranked(highest)) out.ranking.push_back(p.second);
    out.seconds = clock.seconds();
    out.cancelled = cancel.cancelled();
    out.outOfTime = !out.cancelled && highest < s.rungs - 1;
    if (keep) *keep = std::move(trials);
    return out;
}

}  // namespace ms
