#include <iostream>

#include "api/EvalJob.h"
#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"
#include "core/runtime/TorchRuntime.h"

namespace ms::cli {

namespace {

struct EvalOptions {
    std::string model;
    std::string data;
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", model, "model bundle")->required();
        cmd->add_option("--data", data, "the CSV the model was trained on")->required();
        cmd->add_flag("--json", json, "print the result as JSON on the last line");
    }
    void validate() const {}
};

void runEval(const EvalOptions& o) {
    initTorchRuntime();
    const mcvae::ModelBundle bundle = mcvae::loadBundle(o.model);
    const mcvae::SparsityEvaluation ev = api::evaluateHeldOut(bundle, o.data);
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < ev.sparsities.size(); ++i) rows.push_back({fixed(ev.sparsities[i], 1), fixed(ev.mse[i]), fixed(ev.mseZ0[i])});
    rows.push_back({"mean", fixed(ev.meanMse), fixed(ev.meanMseZ0)});
    std::cout << o.model << " on " << ev.testRows << " held-out rows of " << o.data << "\n";
    printTable({"inference sparsity", "MSE (z fixed draw)", "MSE (z = 0)"}, rows);
    if (o.json) printJsonLine(evaluationJson(ev));
}

}  // namespace

void addEvalCommand(CLI::App& app) {
    addCommand<EvalOptions>(&app, "eval", "MSE per inference sparsity on the model's held-out split (paper protocol)", runEval);
}

}  // namespace ms::cli
