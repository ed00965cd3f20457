#include <iostream>

#include "experiments/Studies.h"
#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"
#include "core/runtime/TorchRuntime.h"

namespace ms::cli {

namespace {

struct StudyOptions {
    std::string which;
    std::string data;
    std::string preset = "geobiked";
    std::vector<uint64_t> seeds{0, 1, 2};
    int64_t epochs = 0;
    std::string device = "auto";
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("which", which, "sparsity, schedules or datasize")->required()->check(CLI::IsMember({"sparsity", "schedules", "datasize"}));
        cmd->add_option("--data", data, "CSV (e.g. ../shared/data/geobiked/df_parameters_final.csv)")->required();
        cmd->add_option("--preset", preset, "preset");
        cmd->add_option("--seeds", seeds, "split seeds to average over")->delimiter(',');
        cmd->add_option("--epochs", epochs, "epochs per run (0: the preset's)");
        cmd->add_option("--device", device, "cpu, cuda or auto");
        cmd->add_flag("--json", json, "print the rows as JSON on the last line");
    }
    void validate() const {}
};

void runStudy(const StudyOptions& o) {
    initTorchRuntime();
    const mcvae::Preset p = mcvae::loadPreset(o.preset);
    const mcvae::PreparedData d = mcvae::prepareData(o.data, "", p);
    experiments::StudySettings s;
    s.seeds = o.seeds;
    s.epochs = o.epochs;
    s.device = o.device;
    s.log = [](const std::string& line) { std::cerr << line << std::endl; };
    const std::vector<experiments::StudyRow> rows = o.which == "sparsity"    ? experiments::runSparsityStudy(d, p, s)
                                       : o.which == "schedules" ? experiments::runScheduleStudy(d, p, s)
                                                               : experiments::runDataSizeStudy(d, p, s);
    std::vector<std::string> header{"training", "mean MSE z=0", "mean MSE z~N"};
    for (double sp : mcvae::defaultInferenceSparsities()) header.push_back("s=" + fixed(sp, 1));
    header.push_back("train s");
    std::vector<std::vector<std::string>> table;
    nlohmann::json j = nlohmann::json::array();
    for (const auto& r : rows) {
        std::vector<std::string> cells{r.label, fixed(r.evaluation.meanMseZ0), fixed(r.evaluation.meanMse)};
        for (double v : r.evaluation.mseZ0) cells.push_back(fixed(v));
        cells.push_back(fixed(r.trainSeconds, 1));
        table.push_back(cells);
        nlohmann::json row = evaluationJson(r.evaluation);
        row["label"] = r.label;
        row["train_seconds"] = r.trainSeconds;
        j.push_back(row);
    }
    std::cout << "MSE per inference sparsity s (z = 0), mean over split seeds";
    for (auto seed : o.seeds) std::cout << ' ' << seed;
    std::cout << "\n";
    printTable(header, table);
    if (o.json) printJsonLine({{"study", o.which}, {"rows", j}});
}

}  // namespace

void addMcVaeStudyCommand(CLI::App* paper) {
    addCommand<StudyOptions>(paper, "mcvae-study",
                             "mcVAE paper: inference sparsity (Fig. 2), sparsity schedules (Table 3), data-set size (Table 2)", runStudy);
}

}  // namespace ms::cli
