#pragma once
// Shared helpers of the maskstudio-cli commands: JSON on the last line, human tables otherwise.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/conditioning/SparsitySchedule.h"
#include "core/runtime/CancelToken.h"
#include "mcvae/SparsityEvaluation.h"

namespace ms::cli {

// Every command is an options struct (its fields with their defaults, `void addTo(CLI::App*)`
// declaring the options, `void validate() const` for what CLI11's checks cannot say, throwing
// CLI::ValidationError naming the option) and a function that runs it. The defaults shown by
// --help are the fields' own (CLI11 captures them), never written into help strings.
template <typename Options, typename Run>
CLI::App* addCommand(CLI::App* parent, const std::string& name, const std::string& description, Run run) {
    CLI::App* cmd = parent->add_subcommand(name, description);
    auto options = std::make_shared<Options>();
    options->addTo(cmd);
    cmd->callback([options, run] {
        options->validate();
        run(*options);
    });
    return cmd;
}

// Every command that reports numbers prints one JSON object on its last line with --json.
void printJsonLine(const nlohmann::json& j);
nlohmann::json evaluationJson(const mcvae::SparsityEvaluation& ev);
// A Markdown table (pipes), pasteable into docs/RESULTS.md.
void printTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
std::string fixed(double v, int decimals = 4);
// "linear:0.1:0.2", "constant:0.5", "step:0.1:0.5:4"; throws std::invalid_argument naming --sparsity.
SparsitySchedule parseSchedule(const std::string& text);
// Ctrl+C (SIGINT) or SIGTERM cancels the returned token (the job stops after its current step and
// writes its checkpoint) until restoreInterrupt().
const CancelToken& cancelOnInterrupt();
void restoreInterrupt();

}  // namespace ms::cli
