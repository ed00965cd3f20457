// maskstudio-cli: the headless face of the engine (the same facade the GUI drives).
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "app/cli/Commands.h"
#include "core/runtime/OpenMpWaiting.h"
#include "core/runtime/StepError.h"
#include "core/runtime/TorchRuntime.h"

namespace {

// "sfarm train": the subcommands the user ran, for the one line an error prints.
std::string commandPath(const CLI::App& app) {
    std::string path;
    for (const CLI::App* at = &app;;) {
        const auto chosen = at->get_subcommands();
        if (chosen.empty()) break;
        at = chosen.front();
        path += (path.empty() ? "" : " ") + at->get_name();
    }
    return path;
}

}  // namespace

int main(int argc, char** argv) {
    ms::restartWithShortOpenMpSpins(argv);  // before anything else: OpenMP reads it at start
    CLI::App app{"Maskstudio command line: synthesise data, infer schemas, train, evaluate and sample "
                 "masked-conditioning generative models of engineering geometry."};
    app.require_subcommand(1);
    // Every option shows its default in --help, taken from the variable it is bound to (set
    // before the sub-commands are made: they inherit it), so help never disagrees with the code.
    app.option_defaults()->always_capture_default();
    app.set_version_flag("--version", std::string("maskstudio-cli ") + MASKSTUDIO_VERSION);
    ms::cli::addSynthCommand(app);
    ms::cli::addSchemaCommand(app);
    ms::cli::addTrainCommand(app);
    ms::cli::addTuneCommand(app);
    ms::cli::addEvalCommand(app);
    ms::cli::addSampleCommand(app);
    ms::cli::addBenchCommand(app);
    ms::cli::addInfoCommand(app);
    ms::cli::addSfarmCommand(app);
    ms::cli::addImageCommand(app);
    ms::cli::addPartialCommand(app);
    ms::cli::addLaunchCommand(app);
    ms::cli::addPaperCommand(app);
    bool debug = false;
    app.add_flag("--debug", debug, "on an error, also print LibTorch's stack trace");
    // Every failure is one line naming the command (and, for a training step, the step); a
    // LibTorch error's stack dump only with --debug.
    const auto report = [&](const std::string& message, const std::string& trace) {
        const std::string command = commandPath(app);
        std::cerr << "maskstudio-cli" << (command.empty() ? "" : " " + command) << ": error: " << message << std::endl;
        if (debug && !trace.empty() && trace != message) std::cerr << trace << std::endl;
        return 1;
    };
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const ms::StepError& e) {
        return report(e.what(), e.trace());
    } catch (const std::exception& e) {
        return report(ms::torchMessage(e), e.what());
    }
    return 0;
}
