#pragma once
// maskstudio-cli sub-commands: each registers its options on the parser and runs when chosen.
#include <CLI/CLI.hpp>

namespace ms::cli {

void addSynthCommand(CLI::App& app);
void addSchemaCommand(CLI::App& app);
void addTrainCommand(CLI::App& app);
void addEvalCommand(CLI::App& app);
void addSampleCommand(CLI::App& app);
void addBenchCommand(CLI::App& app);
void addInfoCommand(CLI::App& app);
void addSfarmCommand(CLI::App& app);
void addImageCommand(CLI::App& app);
void addPartialCommand(CLI::App& app);
void addPartialMaskPriorCommand(CLI::App* partial);  // `partial maskprior`
void addMaskPriorModelCommands(CLI::App* maskprior);  // `partial maskprior train|sample|score`
void addTuneCommand(CLI::App& app);
void addSfarmDesignCommands(CLI::App* sfarm);  // `sfarm design`, `sfarm next`
void addLaunchCommand(CLI::App& app);          // `launch --nproc N -- COMMAND`: N local ranks
void addPaperCommand(CLI::App& app);           // `paper`: the reproductions below
void addMcVaeStudyCommand(CLI::App* paper);     // `paper mcvae-study`
void addSfarmUciCommand(CLI::App* paper);       // `paper sfarm-uci`
void addSfarmAcquisitionCommand(CLI::App* paper);  // `paper sfarm-acquisition`
void addSfarmImageCommands(CLI::App* paper);    // `paper sfarm-images train|impute|score|acquire|bench`

}  // namespace ms::cli
