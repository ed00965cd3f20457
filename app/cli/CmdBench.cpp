#include <iostream>

#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"
#include "core/runtime/TorchRuntime.h"
#include "experiments/McVaeBenchmark.h"

namespace ms::cli {

namespace {

struct BenchOptions {
    experiments::BenchSettings settings;
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", settings.modelPath, "measure decode latency with this model (empty: the one trained here)");
        cmd->add_option("--data", settings.dataPath, "train on this CSV (empty: 4355 synthetic bikes)");
        cmd->add_option("--preset", settings.preset, "preset");
        cmd->add_option("--epochs", settings.epochs, "epochs per throughput run");
        cmd->add_option("--device", settings.device, "cpu, cuda or auto")->check(CLI::IsMember({"cpu", "cuda", "auto"}));
        cmd->add_option("--iterations", settings.latencyIterations, "decode calls per latency row");
        cmd->add_flag("--json", json, "print the tables as JSON on the last line");
    }
    void validate() const {}
};

void runBench(const BenchOptions& o) {
    initTorchRuntime();
    const RuntimeInfo info = runtimeInfo();
    const experiments::BenchReport r = experiments::runMcVaeBenchmark(o.settings);
    std::cout << "LibTorch " << info.torchVersion << ", CUDA " << (info.cudaAvailable ? "yes" : "no") << ", data: "
              << r.dataDescription << " (" << r.trainRows << " training rows)\n\nTraining throughput\n";
    std::vector<std::vector<std::string>> rows;
    nlohmann::json jt = nlohmann::json::array();
    for (const auto& t : r.training) {
        rows.push_back({t.device, std::to_string(t.threads), std::to_string(t.epochs), std::to_string(t.steps),
                        fixed(t.seconds, 2), fixed(t.samplesPerSecond, 0), fixed(t.msPerStep, 3),
                        fixed(t.secondsFor500Epochs, 1)});
        jt.push_back({{"device", t.device}, {"threads", t.threads}, {"epochs", t.epochs}, {"steps", t.steps},
                      {"seconds", t.seconds}, {"samples_per_second", t.samplesPerSecond},
                      {"ms_per_step", t.msPerStep}, {"seconds_for_500_epochs", t.secondsFor500Epochs}});
    }
    printTable({"device", "threads", "epochs", "steps", "seconds", "samples/s", "ms/step", "500 epochs (s)"}, rows);
    std::cout << "\nDecode latency (conditions -> geometry in user units)\n";
    rows.clear();
    nlohmann::json jd = nlohmann::json::array();
    for (const auto& d : r.decode) {
        rows.push_back({d.what, d.device, std::to_string(d.iterations), fixed(d.p50Ms, 3), fixed(d.p99Ms, 3),
                        fixed(d.meanMs, 3)});
        jd.push_back({{"what", d.what}, {"device", d.device}, {"batch", d.batch}, {"p50_ms", d.p50Ms},
                      {"p99_ms", d.p99Ms}, {"mean_ms", d.meanMs}, {"iterations", d.iterations}});
    }
    printTable({"what", "device", "calls", "p50 ms", "p99 ms", "mean ms"}, rows);
    if (o.json) printJsonLine({{"training", jt}, {"decode", jd}, {"torch", info.torchVersion}});
}

}  // namespace

void addBenchCommand(CLI::App& app) {
    addCommand<BenchOptions>(&app, "bench", "Training throughput and decode latency tables", runBench);
}

}  // namespace ms::cli
