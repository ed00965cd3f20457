// `sfarm design` trains the studio's design SFARM for a model's data set; `sfarm next` asks it
// which unknown condition to specify next for a partial design (conditions and pinned keypoints).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <iomanip>
#include <iostream>
#include <locale>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"
#include "api/ExploreSession.h"
#include "core/conditioning/ConditionValues.h"
#include "core/data/CsvReader.h"
#include "core/data/DesignTableBuilder.h"
#include "core/data/KeypointPins.h"
#include "core/data/NumberText.h"
#include "core/geometry/GeometryExport.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "experiments/PinCompletionBenchmark.h"
#include "mcvae/ModelBundle.h"
#include "sfarm/DesignSfarm.h"

namespace ms::cli {

namespace {

std::string suggestionText(const Schema& schema, const sfarm::ConditionSuggestion& s) {
    const auto c = static_cast<std::size_t>(s.condition);
    if (c < schema.categorical.size()) return schema.categorical[c].classes[static_cast<std::size_t>(s.suggestedClass)];
    // Whole numbers (an integer condition's suggestion) without decimals, others to 4 significant digits.
    if (s.suggestedNumber == std::round(s.suggestedNumber)) return formatNumber(s.suggestedNumber);
    std::ostringstream text;
    text.imbue(std::locale::classic());
    text << std::setprecision(4) << s.suggestedNumber;
    return text.str();
}

struct SfarmDesignOptions {
    std::string model, data, out;
    sfarm::DesignSfarmSettings settings;
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", model, "model bundle (.msm) whose schema to use")->required();
        cmd->add_option("--data", data, "the data set's CSV")->required();
        cmd->add_option("--out", out, "design SFARM to write (.sfm; the studio loads <bundle>.sfm beside a bundle)")->required();
        cmd->add_option("--epochs", settings.epochs, "epochs");
        cmd->add_option("--hidden", settings.hidden, "MLP units per layer");
        cmd->add_option("--lr", settings.lr, "learning rate");
        cmd->add_option("--seed", settings.seed, "seed");
        cmd->add_flag("--json", json, "print a JSON summary on the last line");
    }
    void validate() const {}
};

void runSfarmDesign(const SfarmDesignOptions& o) {
    initTorchRuntime(1);
    const Schema schema = mcvae::loadBundle(o.model).schema;
    const DesignTable table = buildDesignTable(readCsvFile(o.data), schema);
    const CancelToken& cancel = cancelOnInterrupt();
    const Stopwatch t0;
    double lastLoss = 0.0;
    const sfarm::DesignSfarm model = sfarm::DesignSfarm::train(schema, table, o.settings, [&](int64_t epoch, double loss) {
        lastLoss = loss;
        if (epoch % 50 == 0) std::cerr << "epoch " << epoch << " loss " << fixed(loss, 4) << "\n";
    }, cancel);
    restoreInterrupt();
    const double seconds = t0.seconds();
    model.save(o.out);
    std::cout << "trained " << o.out << ": " << table.rows << " designs, " << model.epochsTrained() << " epochs in "
              << fixed(seconds, 1) << " s, final loss " << fixed(lastLoss, 4) << "\n";
    if (o.json)
        printJsonLine({{"model", o.out}, {"rows", table.rows}, {"epochs", model.epochsTrained()}, {"final_loss", lastLoss},
                       {"seconds", seconds}});
}

struct SfarmNextOptions {
    std::string model, target, out;
    std::vector<std::string> conditions, pins;
    int complete = 0;
    uint64_t seed = 0;
    int bench = 0;
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", model, "design SFARM (.sfm from `sfarm design`)")->required();
        cmd->add_option("conditions", conditions, "NAME=VALUE known conditions; unnamed ones are unknown");
        cmd->add_option("--pin", pins, "pinned keypoint KEYPOINT=X,Y (repeatable)")->allow_extra_args(false);
        cmd->add_option("--target", target, "a keypoint whose spread to reduce (empty: the whole design)");
        cmd->add_option("--complete", complete, "also write N completions of the partial design (pins exact) to --out")
            ->check(CLI::Range(1, 100000));
        cmd->add_option("--out", out, "CSV for --complete (keypoint and output columns)");
        cmd->add_option("--seed", seed, "seed of the completions");
        cmd->add_option("--bench", bench, "also time the studio's per-edit work N times (ranking; 16 completions), one thread");
        cmd->add_flag("--json", json, "print the ranking as JSON on the last line");
    }
    void validate() const {
        if (complete > 0 && out.empty()) throw CLI::ValidationError("--complete", "needs --out FILE.csv");
    }
};

void runSfarmNext(const SfarmNextOptions& o) {
    initTorchRuntime(1);
    const sfarm::DesignSfarm model = sfarm::DesignSfarm::load(o.model);
    const Schema& schema = model.schema();
    sfarm::PartialDesign partial{parseConditionAssignments(schema, o.conditions), parseKeypointPins(schema, o.pins)};
    std::vector<int> target;
    if (!o.target.empty()) {
        const int k = static_cast<int>(keypointIndexByName(schema, o.target));
        target = {2 * k, 2 * k + 1};
    }
    const double spread = model.spread(partial, target);
    const auto ranked = model.rankUnknownConditions(partial, target);
    std::cout << "spread of " << (o.target.empty() ? "the design" : o.target) << ": " << fixed(spread, 4)
              << " (sum of variances, standardised units)\n";
    std::cout << "rank  condition                             reduction  suggested\n";
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t i = 0; i < ranked.size(); ++i) {
        const sfarm::ConditionSuggestion& s = ranked[i];
        std::string name = s.column;
        name.resize(std::max<std::size_t>(name.size(), 36), ' ');
        std::cout << (i + 1 < 10 ? "   " : "  ") << i + 1 << "  " << name << " " << (100.0 * s.spreadReduction >= 0.05 ? fixed(100.0 * s.spreadReduction, 1) + " %  " : std::string("< 0.1 %"))
                  << "     " << suggestionText(schema, s) << "\n";
        rows.push_back({{"condition", s.column}, {"reduction", s.spreadReduction}, {"suggested", suggestionText(schema, s)}});
    }
    if (o.complete > 0) {
        const sfarm::ImputedDesigns done = model.impute(partial, o.complete, o.seed);
        writeDesignsCsv(schema, done.designs, done.conditions, o.out);
        std::cout << "wrote " << done.designs.size() << " completed design(s) to " << o.out << "\n";
    }
    nlohmann::json timings = nlohmann::json::object();
    if (o.bench > 0) {
        auto percentiles = [&](const char* what, const std::function<void()>& work) {
            std::vector<double> ms;
            for (int i = 0; i < o.bench; ++i) {
                const Stopwatch t0;
                work();
                ms.push_back(t0.milliseconds());
            }
            std::sort(ms.begin(), ms.end());
            const double p50 = ms[ms.size() / 2], p90 = ms[std::min(ms.size() - 1, ms.size() * 9 / 10)];
            std::cout << what << ": p50 " << fixed(p50, 3) << " ms, p90 " << fixed(p90, 3) << " ms (" << o.bench << " runs)\n";
            timings[what] = {{"p50_ms", p50}, {"p90_ms", p90}, {"runs", o.bench}};
        };
        percentiles("rank conditions + spread", [&] {
            (void)model.rankUnknownConditions(partial, target);
            (void)model.spread(partial, target);
        });
        percentiles("16 completions (the studio's 8 network calls)", [&] { (void)model.impute(partial, 16, 0, api::kPinCompletionCalls); });
        percentiles("16 completions (one call per element)", [&] { (void)model.impute(partial, 16, 0); });
    }
    if (o.json) printJsonLine({{"spread", spread}, {"ranking", rows}, {"timings", timings}});
}

struct SfarmPinBenchOptions {
    std::string model, data;
    std::vector<std::string> keypoints{"saddle_top"};
    std::vector<int> steps{0, 16, 8, 4};
    int rows = 200, samples = 16;
    uint64_t seed = 0;
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", model, "design SFARM (.sfm from `sfarm design`)")->required();
        cmd->add_option("--data", data, "designs it was not trained on (CSV with the model's columns)")->required();
        cmd->add_option("--pin", keypoints, "keypoints pinned where each design has them")->delimiter(',');
        cmd->add_option("--steps", steps, "network calls per completion to compare (0: one per free element; first = reference)")
            ->delimiter(',');
        cmd->add_option("--rows", rows, "designs to complete")->check(CLI::Range(1, 100000));
        cmd->add_option("--samples", samples, "completions per design (the studio draws 16)")->check(CLI::Range(2, 1000));
        cmd->add_option("--seed", seed, "seed of the completions");
        cmd->add_flag("--json", json, "print the table as JSON on the last line");
    }
    void validate() const {}
};

// Pin completions with fewer network calls (S' < S): their quality against the exact draw and
// their time, one thread.
void runSfarmPinBench(const SfarmPinBenchOptions& o) {
    initTorchRuntime(1);
    const sfarm::DesignSfarm model = sfarm::DesignSfarm::load(o.model);
    const Schema& schema = model.schema();
    const DesignTable designs = buildDesignTable(readCsvFile(o.data), schema);
    std::vector<int> pinned;
    for (const std::string& name : o.keypoints) pinned.push_back(static_cast<int>(keypointIndexByName(schema, name)));
    const auto table = experiments::benchmarkPinCompletions(model, designs, pinned, o.steps, o.rows, o.samples, o.seed);
    std::cout << std::min<std::size_t>(static_cast<std::size_t>(o.rows), designs.rows) << " designs of " << o.data << ", "
              << o.samples << " completions each, conditions unknown; energy score and RMSE over the free outputs (data units)\n";
    std::vector<std::vector<std::string>> rows;
    nlohmann::json j = nlohmann::json::array();
    for (const auto& r : table) {
        rows.push_back({r.steps == 0 ? "every element" : std::to_string(r.steps), fixed(r.milliseconds, 2), fixed(r.energyScore, 2),
                        fixed(r.scoreDiff, 2) + " ± " + fixed(r.scoreDiffSe, 2), fixed(r.rmse, 2)});
        j.push_back({{"steps", r.steps}, {"ms", r.milliseconds}, {"energy_score", r.energyScore}, {"score_diff", r.scoreDiff},
                     {"score_diff_se", r.scoreDiffSe}, {"rmse", r.rmse}});
    }
    printTable({"network calls", "ms per completion set", "energy score", "vs first row", "RMSE of mean"}, rows);
    if (o.json) printJsonLine({{"rows", j}});
}

}  // namespace

void addSfarmDesignCommands(CLI::App* sfarm) {
    addCommand<SfarmDesignOptions>(
        sfarm, "design", "Train the studio's design SFARM (keypoints + conditions as one vector) for a model's data set", runSfarmDesign);
    addCommand<SfarmNextOptions>(
        sfarm, "next", "Which unknown condition to specify next: expected reduction of the design's spread", runSfarmNext);
    addCommand<SfarmPinBenchOptions>(sfarm, "pin-bench",
                                     "Pin completions with fewer network calls: quality (energy score) and time against the exact draw",
                                     runSfarmPinBench);
}

}  // namespace ms::cli
