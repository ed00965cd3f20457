#include <iostream>

#include "experiments/Studies.h"
#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"
#include "core/runtime/TorchRuntime.h"

namespace ms::cli {

void addStudyCommand(CLI::App& app) {
    auto* cmd = app.add_subcommand("study", "Reproduce the paper's mcVAE tables: sparsity (Fig. 2), schedules (Table 3), datasize (Table 2)");
    auto which = std::make_shared<std::string>();
    auto data = std::make_shared<std::string>();
    auto preset = std::make_shared<std::string>("geobiked");
    auto seeds = std::make_shared<std::vector<uint64_t>>(std::vector<uint64_t>{0, 1, 2});
    auto epochs = std::make_shared<int64_t>(0);
    auto device = std::make_shared<std::string>("auto");
    auto json = std::make_shared<bool>(false);
    cmd->add_option("which", *which, "sparsity, schedules or datasize")->required()->check(CLI::IsMember({"sparsity", "schedules", "datasize"}));
    cmd->add_option("--data", *data, "CSV (e.g. ../shared/data/geobiked/df_parameters_final.csv)")->required();
    cmd->add_option("--preset", *preset, "preset");
    cmd->add_option("--seeds", *seeds, "split seeds to average over")->delimiter(',');
    cmd->add_option("--epochs", *epochs, "epochs per run (default: the preset's)");
    cmd->add_option("--device", *device, "cpu, cuda or auto");
    cmd->add_flag("--json", *json, "print the rows as JSON on the last line");
    cmd->callback([=] {
        initTorchRuntime();
        const mcvae::Preset p = mcvae::loadPreset(*preset);
        const mcvae::PreparedData d = mcvae::prepareData(*data, "", p);
        experiments::StudySettings s;
        s.seeds = *seeds;
        s.epochs = *epochs;
        s.device = *device;
        s.log = [](const std::string& line) { std::cerr << line << std::endl; };
        const std::vector<experiments::StudyRow> rows = *which == "sparsity"    ? experiments::runSparsityStudy(d, p, s)
                                           : *which == "schedules" ? experiments::runScheduleStudy(d, p, s)
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
        for (auto seed : *seeds) std::cout << ' ' << seed;
        std::cout << "\n";
        printTable(header, table);
        if (*json) printJsonLine({{"study", *which}, {"rows", j}});
    });
}

}  // namespace ms::cli
