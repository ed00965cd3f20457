#include <cmath>
#include <iostream>

#include "CliCommon.h"
#include "Commands.h"
#include "runtime/TorchRuntime.h"
#include "bench/ImputationBenchmark.h"

namespace ms::cli {

namespace {

std::pair<double, double> meanAndSd(const std::vector<double>& v) {
    double m = 0;
    for (double x : v) m += x;
    m /= static_cast<double>(v.size());
    double var = 0;
    for (double x : v) var += (x - m) * (x - m);
    return {m, v.size() > 1 ? std::sqrt(var / static_cast<double>(v.size() - 1)) : 0.0};
}

}  // namespace

void addSfarmCommand(CLI::App& app) {
    auto* cmd = app.add_subcommand("sfarm", "SFARM: order-agnostic autoregressive imputation (seed 002)");
    auto* uci = cmd->add_subcommand("uci", "Test NLL of the unobserved standardised features on a UCI table (paper Table 1), SFARM or a baseline");
    cmd->require_subcommand(1);
    auto data = std::make_shared<std::string>();
    auto s = std::make_shared<ImputationBenchmarkSettings>();
    auto json = std::make_shared<bool>(false);
    auto method = std::make_shared<std::string>("sfarm");
    uci->add_option("--method", *method, "sfarm, or a baseline: miwae (K = 20), vae (trained on complete data)")
        ->check(CLI::IsMember({"sfarm", "miwae", "vae"}));
    uci->add_option("--data", *data, "whitespace-separated numeric table, e.g. ../shared/data/uci/energy.txt")->required();
    uci->add_option("--seeds", s->seeds, "split seeds (default 0,1,2,3,4)")->delimiter(',');
    uci->add_option("--missing", s->missingRate, "MCAR missing rate in train and test (default 0.5)")->check(CLI::Range(0.01, 0.99));
    uci->add_option("--epochs", s->epochs, "training epochs (default 2000, the paper's)");
    uci->add_option("--hidden", s->hidden, "MLP units per layer (default 32, the paper's)");
    uci->add_option("--orders", s->likelihoodOrders, "orders K of the Monte Carlo likelihood (default 20)");
    uci->add_flag("--json", *json, "print the results as JSON on the last line");
    uci->callback([=] {
        initTorchRuntime(1);
        const NumericTable table = readNumericTable(*data);
        ImputationBenchmarkSettings settings = *s;
        settings.method = parseImputationMethod(*method);
        settings.log = [](const std::string& line) { std::cerr << line << std::endl; };
        const auto results = runImputationBenchmark(table, settings, CancelToken());
        std::vector<double> nll, perValue, rmse;
        std::vector<std::vector<std::string>> rows;
        nlohmann::json j;
        j["data"] = *data;
        j["method"] = *method;
        j["missing_rate"] = settings.missingRate;
        j["epochs"] = settings.epochs;
        for (const auto& r : results) {
            nll.push_back(r.testNll);
            perValue.push_back(r.testNllPerValue);
            rmse.push_back(r.imputationRmse);
            rows.push_back({std::to_string(r.seed), fixed(r.testNll, 3), fixed(r.testNllPerValue, 3), fixed(r.imputationRmse, 3),
                            std::to_string(r.testRows), fixed(r.trainSeconds, 1)});
            j["splits"].push_back({{"seed", r.seed}, {"test_nll", r.testNll}, {"test_nll_per_value", r.testNllPerValue},
                                   {"rmse", r.imputationRmse}, {"test_rows", r.testRows}, {"train_seconds", r.trainSeconds}});
        }
        const auto [m, sd] = meanAndSd(nll);
        const auto [mv, sdv] = meanAndSd(perValue);
        const auto [mr, sdr] = meanAndSd(rmse);
        rows.push_back({"mean ± sd", fixed(m, 3) + " ± " + fixed(sd, 3), fixed(mv, 3) + " ± " + fixed(sdv, 3),
                        fixed(mr, 3) + " ± " + fixed(sdr, 3), "", ""});
        printTable({"split seed", "test NLL / row", "test NLL / value", "RMSE (mean imputation)", "test rows", "train s"}, rows);
        j["test_nll_mean"] = m;
        j["test_nll_sd"] = sd;
        j["test_nll_per_value_mean"] = mv;
        j["rmse_mean"] = mr;
        if (*json) printJsonLine(j);
    });
}

}  // namespace ms::cli
