// maskstudio-cli tune: search the mcVAE settings for a CSV and write the best as a preset.
#include <cmath>
#include <iostream>

#include "api/TuneJob.h"
#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"
#include "core/runtime/TorchRuntime.h"

namespace ms::cli {

namespace {

// "10m", "90s", "1h", "600": seconds.
double parseDuration(const std::string& text) {
    if (text.empty()) throw CLI::ValidationError("--budget", "empty duration");
    double scale = 1.0;
    std::string number = text;
    switch (text.back()) {
        case 's': number.pop_back(); break;
        case 'm': scale = 60.0; number.pop_back(); break;
        case 'h': scale = 3600.0; number.pop_back(); break;
        default: break;
    }
    const ParsedNumber v = parseNumber(number);
    if (v.kind != NumberKind::Finite || v.value < 0)
        throw CLI::ValidationError("--budget", "'" + text + "' is not a duration (e.g. 10m, 90s, 1h, 600)");
    return v.value * scale;
}

struct TuneOptions {
    api::TuneRequest request;
    std::string budget = "10m";
    bool json = false;
    bool quiet = false;
    int64_t splitSeed = -1;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--data", request.dataPath, "training CSV")->required();
        cmd->add_option("--schema", request.schemaPath, "schema JSON (empty: inferred)");
        cmd->add_option("--preset", request.preset, "start from this preset (it is trial 0 and a finalist)");
        cmd->add_option("--out", request.outPath, "preset JSON to write the best settings to")->required();
        cmd->add_option("--budget", budget, "wall time for the whole search: 10m, 90s, 1h, seconds; 0 = no limit");
        cmd->add_option("--trials", request.settings.trials, "first-rung trials (0 = as many as the budget allows)");
        cmd->add_option("--folds", request.settings.folds, "validation folds of the training part")->check(CLI::Range(2, 10));
        cmd->add_option("--finalists", request.settings.finalists, "best trials cross-validated on every fold")->check(CLI::Range(1, 20));
        cmd->add_option("--workers", request.settings.workers, "trials trained at once (one thread each)")->check(CLI::Range(1, 256));
        cmd->add_option("--seed", request.settings.seed, "seed of the settings draws and the folds");
        cmd->add_option("--split-seed", splitSeed, "train/test split seed, as train --seed (-1: the preset's)");
        cmd->add_flag("--json", json, "print a JSON summary on the last line");
        cmd->add_flag("--quiet", quiet, "no line per trial");
    }
    void validate() const { (void)parseDuration(budget); }
};

void runTune(const TuneOptions& o) {
    initTorchRuntime(1);
    api::TuneRequest request = o.request;
    request.settings.budgetSeconds = parseDuration(o.budget);
    if (o.splitSeed >= 0) request.splitSeed = static_cast<uint64_t>(o.splitSeed);
    const CancelToken& cancel = cancelOnInterrupt();  // Ctrl+C: stop, keep the best so far
    if (!o.quiet)
        std::cout << "| time s | trial | rung | fold | share of updates | validation MSE (z=0) | settings\n"
                  << "|--------|-------|------|------|------------------|----------------------|---------\n";
    const api::TuneOutcome out = api::runTuneJob(request, [&](const mcvae::TuningTrialReport& r) {
        if (o.quiet) return;
        std::cout << "| " << fixed(r.seconds, 1) << " | " << r.trial << " | " << (r.rung < 0 ? std::string("CV") : std::to_string(r.rung))
                  << " | " << r.fold << " | " << fixed(r.fraction, 3) << " | "
                  << (std::isfinite(r.score) ? fixed(r.score, 4) : std::string("failed: " + r.error)) << " | " << r.settings << "\n"
                  << std::flush;
    }, cancel);
    restoreInterrupt();
    const mcvae::McVaeTuningResult& r = out.result;
    std::cout << "\n" << r.trials << " trials in " << fixed(r.seconds, 1) << " s" << (r.cancelled ? " (stopped: best so far)" : "")
              << ", highest rung " << r.highestRung << "; finalists, compared on " << r.foldsCompared << " of "
              << request.settings.folds << " folds of the training part (" << r.trainRows << " rows each"
              << (r.foldsCompared < request.settings.folds && !r.cancelled ? "; the budget ended the rest" : "") << "):\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : r.finalists) {
        std::string folds;
        for (double v : f.foldScores) folds += (folds.empty() ? "" : " / ") + fixed(v, 4);
        rows.push_back({std::to_string(f.trial) + (f.base ? " (" + request.preset + ")" : ""),
                        std::isfinite(f.meanScore) ? fixed(f.meanScore, 4) : std::string("-"), folds, f.settings});
    }
    printTable({"trial", "mean MSE (z=0)", "per fold", "settings"}, rows);
    if (r.fromHalving) {
        std::cout << "best: " << fixed(r.bestScore, 4) << ", the leader of rung " << r.highestRung
                  << " (the search " << (r.cancelled ? "was stopped" : "ran out of time")
                  << " before its finalists ran at full length; a longer --budget compares them)";
    } else {
        std::cout << "best: " << fixed(r.bestScore, 4) << " vs '" << request.preset << "' "
                  << (std::isfinite(r.baseScore) ? fixed(r.baseScore, 4) : std::string("not measured"));
        if (r.baseScore > 0 && std::isfinite(r.baseScore)) std::cout << " (" << fixed(r.bestScore / r.baseScore, 3) << " x)";
    }
    std::cout << "\nwrote " << out.presetPath << ": train with --preset " << out.presetPath << "\n";
    if (o.json) {
        nlohmann::json finalists = nlohmann::json::array();
        for (const auto& f : r.finalists)
            finalists.push_back({{"trial", f.trial}, {"base", f.base}, {"mean", f.meanScore}, {"folds", f.foldScores}, {"settings", f.settings}});
        printJsonLine({{"preset", out.presetPath}, {"best", r.bestScore}, {"base", r.baseScore}, {"trials", r.trials},
                       {"seconds", r.seconds}, {"cancelled", r.cancelled}, {"folds_compared", r.foldsCompared}, {"from_halving", r.fromHalving}, {"finalists", finalists}});
    }
}

}  // namespace

void addTuneCommand(CLI::App& app) {
    addCommand<TuneOptions>(&app, "tune", "Search mcVAE settings for a CSV (successive halving on folds of the training part); write the best as a preset",
                            runTune);
}

}  // namespace ms::cli
