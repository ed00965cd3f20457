// maskstudio-cli: the headless face of the engine (the same facade the GUI drives).
#include <CLI/CLI.hpp>

#include <iostream>

#include "Commands.h"
#include "runtime/TorchRuntime.h"

int main(int argc, char** argv) {
    CLI::App app{"Maskstudio command line: synthesise data, infer schemas, train, evaluate and sample "
                 "masked-conditioning generative models of engineering geometry."};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("maskstudio-cli ") + MASKSTUDIO_VERSION);
    ms::cli::addSynthCommand(app);
    ms::cli::addSchemaCommand(app);
    ms::cli::addTrainCommand(app);
    ms::cli::addEvalCommand(app);
    ms::cli::addSampleCommand(app);
    ms::cli::addBenchCommand(app);
    ms::cli::addStudyCommand(app);
    ms::cli::addInfoCommand(app);
    ms::cli::addSfarmCommand(app);
    ms::cli::addImageCommand(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}
