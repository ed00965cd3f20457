#include <iostream>

#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"
#include "core/data/SchemaInference.h"
#include "core/runtime/OpenMpWaiting.h"
#include "core/runtime/TorchRuntime.h"
#include "mcvae/McVaeJson.h"
#include "mcvae/ModelBundle.h"

namespace ms::cli {

namespace {

struct InfoOptions {
    std::string model;
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", model, "model bundle");
        cmd->add_flag("--json", json, "print as JSON on the last line");
    }
    void validate() const {}
};

void runInfo(const InfoOptions& o) {
    initTorchRuntime();
    if (o.model.empty()) {
        const RuntimeInfo info = runtimeInfo();
        std::cout << "maskstudio " << MASKSTUDIO_VERSION << "\nLibTorch " << info.torchVersion << "\nCUDA "
                  << (info.cudaAvailable ? "available (" + std::to_string(info.cudaDeviceCount) + " device(s))" : "not available")
                  << "\nthreads " << info.intraOpThreads << "\nBLAS " << info.blasBackend << "\nOpenMP waiting "
                  << openMpWaiting() << std::endl;
        if (o.json)
            printJsonLine({{"version", MASKSTUDIO_VERSION}, {"torch", info.torchVersion}, {"cuda", info.cudaAvailable},
                           {"threads", info.intraOpThreads}, {"openmp_waiting", openMpWaiting()}});
        return;
    }
    const mcvae::ModelBundle b = mcvae::loadBundle(o.model);
    std::cout << o.model << ": " << b.modelType << " '" << b.name << "', " << b.state.completedEpochs << "/"
              << b.training.epochs << " epochs" << (b.state.partial ? " (cancelled mid-epoch)" : "")
              << ", trained on '" << b.split.dataFile << "' (" << b.split.dataRows << " rows, "
              << b.split.testRows.size() << " held out)\n"
              << "sparsity " << b.training.sparsity.describe() << ", latent " << b.config.latentDim << "\n"
              << describeSchema(b.schema);
    if (o.json)
        printJsonLine({{"name", b.name}, {"epochs", b.state.completedEpochs}, {"architecture", toJson(b.config)},
                       {"training", toJson(b.training)}});
}

}  // namespace

void addInfoCommand(CLI::App& app) {
    addCommand<InfoOptions>(&app, "info", "Describe a model bundle, or (without --model) this build and its devices", runInfo);
}

}  // namespace ms::cli
