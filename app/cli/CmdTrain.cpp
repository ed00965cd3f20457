#include <cmath>
#include <iostream>

#include "api/EvalJob.h"
#include "api/TrainJob.h"
#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"
#include "app/cli/DistributedOptions.h"
#include "core/runtime/TorchRuntime.h"

namespace ms::cli {

namespace {

// Sentinels (0, -1, empty) mean "the preset's value".
struct TrainOptions {
    api::TrainRequest request;
    int64_t epochs = 0;
    int64_t seed = -1;
    int threads = 0;
    std::string sparsity;
    int64_t batch = 0;
    double lr = 0.0;
    double klWeight = -1.0;
    int64_t latent = 0;
    bool json = false;
    bool quiet = false;
    DistributedOptions distributed;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--data", request.dataPath, "training CSV")->required();
        cmd->add_option("--schema", request.schemaPath, "schema JSON (empty: inferred; see `schema`)");
        cmd->add_option("--preset", request.preset, "preset name in models/ or a preset .json (geobiked, bike, car)");
        cmd->add_option("--epochs", epochs, "number of epochs (0: the preset's)");
        cmd->add_option("--seed", seed, "split and training seed (-1: the preset's)");
        cmd->add_option("--device", request.device, "cpu, cuda or auto")->check(CLI::IsMember({"cpu", "cuda", "auto"}));
        cmd->add_option("--sparsity", sparsity, "sparsity schedule KIND:START[:END[:SEGMENTS]] (empty: the preset's)");
        cmd->add_option("--threads", threads, "CPU threads for training (0: the preset's, 1)");
        cmd->add_option("--resume", request.resumeFrom, "continue training this model (same data)");
        cmd->add_option("--fine-tune-from", request.fineTuneFrom,
                        "start from this model's weights on new data with the same schema (100 epochs at most unless --epochs)");
        cmd->add_option("--batch", batch, "batch size (0: the preset's)");
        cmd->add_option("--lr", lr, "AdamW learning rate (0: the preset's)");
        cmd->add_option("--kl-weight", klWeight, "b in (1 - b) * SSE + b * KL (-1: the preset's)");
        cmd->add_option("--latent", latent, "latent dimension (0: the preset's)");
        cmd->add_option("--out", request.outPath, "model bundle to write (checkpoints go here too)")->required();
        cmd->add_flag("--json", json, "print a JSON summary on the last line");
        cmd->add_flag("--quiet", quiet, "no per-epoch progress");
        distributed.addTo(cmd);
    }
    void validate() const {}  // resume vs fine-tune: the engine says why they exclude each other
    // The request with the options that override the preset.
    api::TrainRequest resolved() const {
        api::TrainRequest r = request;
        if (epochs > 0) r.epochs = epochs;
        if (seed >= 0) r.seed = static_cast<uint64_t>(seed);
        if (threads > 0) r.threads = threads;
        if (!sparsity.empty()) r.sparsity = parseSchedule(sparsity);
        if (batch > 0) r.batchSize = batch;
        if (lr > 0) r.learningRate = lr;
        if (klWeight >= 0) r.klWeight = klWeight;
        if (latent > 0) r.latentDim = latent;
        r.distributed = distributed.resolved();
        return r;
    }
};

void runTrain(const TrainOptions& o) {
    initTorchRuntime();
    const api::TrainRequest req = o.resolved();
    const CancelToken& cancel = cancelOnInterrupt();  // Ctrl+C: stop after the current step, keep a checkpoint
    int64_t lastPrinted = 0;
    const bool reports = req.distributed.rank == 0;  // every rank has the global losses: rank 0 prints them
    auto progress = [&](const TrainingProgress& p) {
        if (o.quiet || !reports) return;
        if (p.epoch != p.epochs && p.elapsedSeconds - lastPrinted < 1.0 && p.epoch % 50 != 0) return;
        lastPrinted = static_cast<int64_t>(p.elapsedSeconds);
        std::cerr << "epoch " << p.epoch << "/" << p.epochs << "  rec " << fixed(p.record.reconstruction)
                  << "  kl " << fixed(p.record.kl) << "  p " << fixed(p.record.sparsity, 3)
                  << (std::isnan(p.record.validation) ? "" : "  val " + fixed(p.record.validation))
                  << "  " << fixed(p.samplesPerSecond, 0) << " samples/s" << std::endl;
    };
    const api::TrainResult result = api::runTraining(req, progress, cancel);
    restoreInterrupt();
    if (!reports) {  // rank 0 writes the model and reports it
        std::cout << req.distributed.who() << ": "
                  << result.bundle.state.completedEpochs << " epochs done" << std::endl;
        return;
    }
    const mcvae::SparsityEvaluation ev = api::evaluateHeldOut(result.bundle, req.dataPath);
    std::cout << (result.cancelled ? "cancelled; checkpoint kept in " : "trained ") << req.outPath << ": "
              << result.bundle.state.completedEpochs << " epochs on " << result.trainRows << " rows in "
              << fixed(result.seconds, 2) << " s on " << result.deviceName << "; held-out mean MSE (z=0) "
              << fixed(ev.meanMseZ0) << ", at sparsity 0: " << fixed(ev.mseZ0[0]) << std::endl;
    if (o.json) {
        nlohmann::json j = evaluationJson(ev);
        j["model"] = req.outPath;
        j["cancelled"] = result.cancelled;
        j["epochs"] = result.bundle.state.completedEpochs;
        j["train_rows"] = result.trainRows;
        j["train_seconds"] = result.seconds;
        j["device"] = result.deviceName;
        printJsonLine(j);
    }
}

}  // namespace

void addTrainCommand(CLI::App& app) {
    addCommand<TrainOptions>(&app, "train", "Train an mcVAE on a CSV (85/15 split recorded in the model)", runTrain);
}

}  // namespace ms::cli
