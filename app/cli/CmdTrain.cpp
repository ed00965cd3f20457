#include <cmath>
#include <iostream>

#include "api/EvalJob.h"
#include "api/TrainJob.h"
#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"
#include "core/runtime/TorchRuntime.h"

namespace ms::cli {

void addTrainCommand(CLI::App& app) {
    auto* cmd = app.add_subcommand("train", "Train an mcVAE on a CSV (85/15 split recorded in the model)");
    auto r = std::make_shared<api::TrainRequest>();
    auto epochs = std::make_shared<int64_t>(0);
    auto seed = std::make_shared<int64_t>(-1);
    auto threads = std::make_shared<int>(0);
    auto sparsity = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    auto quiet = std::make_shared<bool>(false);
    cmd->add_option("--data", r->dataPath, "training CSV")->required();
    cmd->add_option("--schema", r->schemaPath, "schema JSON (default: inferred; see `schema`)");
    cmd->add_option("--preset", r->preset, "preset name in models/ or a preset .json (geobiked, bike, car)");
    cmd->add_option("--epochs", *epochs, "number of epochs (default: the preset's)");
    cmd->add_option("--seed", *seed, "split and training seed (default: the preset's)");
    cmd->add_option("--device", r->device, "cpu, cuda or auto")->check(CLI::IsMember({"cpu", "cuda", "auto"}));
    cmd->add_option("--sparsity", *sparsity, "sparsity schedule KIND:START[:END[:SEGMENTS]]");
    cmd->add_option("--threads", *threads, "CPU threads for training (default: the preset's, 1)");
    cmd->add_option("--resume", r->resumeFrom, "continue training this model (same data)");
    cmd->add_option("--fine-tune-from", r->fineTuneFrom,
                    "start from this model's weights on new data with the same schema (default 100 epochs at most)");
    auto batch = std::make_shared<int64_t>(0);
    auto lr = std::make_shared<double>(0.0);
    auto kl = std::make_shared<double>(-1.0);
    auto latent = std::make_shared<int64_t>(0);
    cmd->add_option("--batch", *batch, "batch size (default: the preset's)");
    cmd->add_option("--lr", *lr, "AdamW learning rate (default: the preset's)");
    cmd->add_option("--kl-weight", *kl, "b in (1 - b) * SSE + b * KL (default: the preset's)");
    cmd->add_option("--latent", *latent, "latent dimension (default: the preset's)");
    cmd->add_option("--out", r->outPath, "model bundle to write (checkpoints go here too)")->required();
    cmd->add_flag("--json", *json, "print a JSON summary on the last line");
    cmd->add_flag("--quiet", *quiet, "no per-epoch progress");
    cmd->callback([=] {
        initTorchRuntime();
        api::TrainRequest req = *r;
        if (*epochs > 0) req.epochs = *epochs;
        if (*seed >= 0) req.seed = static_cast<uint64_t>(*seed);
        if (*threads > 0) req.threads = *threads;
        if (!sparsity->empty()) req.sparsity = parseSchedule(*sparsity);
        if (*batch > 0) req.batchSize = *batch;
        if (*lr > 0) req.learningRate = *lr;
        if (*kl >= 0) req.klWeight = *kl;
        if (*latent > 0) req.latentDim = *latent;
        const CancelToken& g_cancel = cancelOnInterrupt();  // Ctrl+C: stop after the current step, keep a checkpoint
        int64_t lastPrinted = 0;
        auto progress = [&](const TrainingProgress& p) {
            if (*quiet) return;
            if (p.epoch != p.epochs && p.elapsedSeconds - lastPrinted < 1.0 && p.epoch % 50 != 0) return;
            lastPrinted = static_cast<int64_t>(p.elapsedSeconds);
            std::cerr << "epoch " << p.epoch << "/" << p.epochs << "  rec " << fixed(p.record.reconstruction)
                      << "  kl " << fixed(p.record.kl) << "  p " << fixed(p.record.sparsity, 3)
                      << (std::isnan(p.record.validation) ? "" : "  val " + fixed(p.record.validation))
                      << "  " << fixed(p.samplesPerSecond, 0) << " samples/s" << std::endl;
        };
        const api::TrainResult result = api::runTraining(req, progress, g_cancel);
        restoreInterrupt();
        const mcvae::SparsityEvaluation ev = api::evaluateHeldOut(result.bundle, req.dataPath);
        std::cout << (result.cancelled ? "cancelled; checkpoint kept in " : "trained ") << req.outPath << ": "
                  << result.bundle.state.completedEpochs << " epochs on " << result.trainRows << " rows in "
                  << fixed(result.seconds, 2) << " s on " << result.deviceName << "; held-out mean MSE (z=0) "
                  << fixed(ev.meanMseZ0) << ", at sparsity 0: " << fixed(ev.mseZ0[0]) << std::endl;
        if (*json) {
            nlohmann::json j = evaluationJson(ev);
            j["model"] = req.outPath;
            j["cancelled"] = result.cancelled;
            j["epochs"] = result.bundle.state.completedEpochs;
            j["train_rows"] = result.trainRows;
            j["train_seconds"] = result.seconds;
            j["device"] = result.deviceName;
            printJsonLine(j);
        }
    });
}

}  // namespace ms::cli
