#include <iostream>

#include "api/EvalJob.h"
#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"
#include "core/runtime/TorchRuntime.h"

namespace ms::cli {

void addEvalCommand(CLI::App& app) {
    auto* cmd = app.add_subcommand("eval", "MSE per inference sparsity on the model's held-out split (paper protocol)");
    auto model = std::make_shared<std::string>();
    auto data = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    cmd->add_option("--model", *model, "model bundle")->required();
    cmd->add_option("--data", *data, "the CSV the model was trained on")->required();
    cmd->add_flag("--json", *json, "print the result as JSON on the last line");
    cmd->callback([=] {
        initTorchRuntime();
        const mcvae::ModelBundle bundle = mcvae::loadBundle(*model);
        const mcvae::SparsityEvaluation ev = api::evaluateHeldOut(bundle, *data);
        std::vector<std::vector<std::string>> rows;
        for (size_t i = 0; i < ev.sparsities.size(); ++i)
            rows.push_back({fixed(ev.sparsities[i], 1), fixed(ev.mse[i]), fixed(ev.mseZ0[i])});
        rows.push_back({"mean", fixed(ev.meanMse), fixed(ev.meanMseZ0)});
        std::cout << *model << " on " << ev.testRows << " held-out rows of " << *data << "\n";
        printTable({"inference sparsity", "MSE (z fixed draw)", "MSE (z = 0)"}, rows);
        if (*json) printJsonLine(evaluationJson(ev));
    });
}

}  // namespace ms::cli
