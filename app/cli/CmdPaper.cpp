// maskstudio-cli paper: the papers' experiments in one place, each named <method>-<experiment>.
#include "app/cli/Commands.h"

namespace ms::cli {

void addPaperCommand(CLI::App& app) {
    CLI::App* paper = app.add_subcommand("paper", "Reproduce the papers' experiments (docs/RESULTS.md has the numbers and the commands)");
    paper->require_subcommand(1);
    addMcVaeStudyCommand(paper);        // mcvae-study sparsity | schedules | datasize
    addSfarmUciCommand(paper);          // sfarm-uci
    addSfarmAcquisitionCommand(paper);  // sfarm-acquisition
    addSfarmImageCommands(paper);       // sfarm-images train | impute | score | acquire | bench
}

}  // namespace ms::cli
