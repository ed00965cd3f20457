#include "api/TrainJob.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "core/data/DataFingerprint.h"
#include "core/data/DesignTensors.h"
#include "core/data/TrainTestSplit.h"
#include "core/io/ArchiveFile.h"
#include "core/io/BackgroundWriter.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "distributed/GlooGroup.h"

namespace ms::api {

namespace {

void applyOverrides(const TrainRequest& request, mcvae::TrainingConfig& training) {
    if (request.epochs) training.epochs = *request.epochs;
    if (request.seed) training.seed = *request.seed;
    if (request.sparsity) training.sparsity = *request.sparsity;
    if (request.threads) training.threads = *request.threads;
    if (request.batchSize) training.batchSize = *request.batchSize;
    if (request.learningRate) training.adamw.lr = *request.learningRate;
    if (request.klWeight) training.klWeight = *request.klWeight;
}

}  // namespace

TrainResult runTraining(const TrainRequest& request, const TrainingProgressFn& onProgress,
                        const CancelToken& cancel) {
    const mcvae::Preset preset = mcvae::loadPreset(request.preset);
    std::string schemaPath = request.schemaPath;
    mcvae::PreparedData data;
    if (!request.resumeFrom.empty() && !request.fineTuneFrom.empty())
        throw std::invalid_argument("resume and fine-tune exclude each other: resume continues a run on its own "
                                    "data, fine-tuning starts a new run on new data");
    const std::string& previousPath = request.resumeFrom.empty() ? request.fineTuneFrom : request.resumeFrom;
    if (!previousPath.empty()) {
        // A resumed or fine-tuned run must see the same columns in the same units: take the
        // schema and the normalisation from the bundle.
        const mcvae::ModelBundle previous = mcvae::loadBundle(previousPath);
        data = mcvae::prepareDataWithSchema(request.dataPath, previous.schema, previous.normalization);
    } else {
        data = mcvae::prepareData(request.dataPath, schemaPath, preset);
    }
    return runTraining(request, data, preset, onProgress, cancel);
}

TrainResult runTraining(const TrainRequest& request, const mcvae::PreparedData& data, const mcvae::Preset& preset,
                        const TrainingProgressFn& onProgress, const CancelToken& cancel) {
    const at::Device device = resolveDevice(request.device, request.distributed.localRank);
    // Several ranks: joined once the data has read (a bad file is named before anyone waits).
    const std::unique_ptr<distributed::GlooGroup> ranks = distributed::joinRanks(request.distributed);
    const bool writesFiles = !ranks || ranks->rank() == 0;
    mcvae::ModelBundle b;
    const bool resuming = !request.resumeFrom.empty();
    if (resuming) {
        b = mcvae::loadBundle(request.resumeFrom);
        if (b.split.dataFingerprint != dataFingerprint(data.table))
            throw std::invalid_argument(data.path + ": this is not the data the model '" + request.resumeFrom +
                                        "' was trained on (" + std::to_string(data.table.rows) + " rows vs " +
                                        std::to_string(b.split.dataRows) + " recorded); fine-tune instead of resume");
        if (request.epochs) b.training.epochs = *request.epochs;
        if (b.training.epochs <= b.state.completedEpochs)
            throw std::invalid_argument(request.resumeFrom + ": already trained for " +
                                        std::to_string(b.state.completedEpochs) +
                                        " epochs; pass --epochs with a larger total to continue");
    } else if (!request.fineTuneFrom.empty()) {
        const mcvae::ModelBundle previous = mcvae::loadBundle(request.fineTuneFrom);
        if (!(previous.schema == data.schema))
            throw std::invalid_argument(data.path + ": its schema differs from the model '" + request.fineTuneFrom +
                                        "'; fine-tuning needs the same columns");
        b.name = previous.name + "-finetuned";
        b.schema = previous.schema;
        b.normalization = previous.normalization;
        b.config = previous.config;
        b.training = previous.training;
        // A short run by default: the model already knows the design family.
        b.training.epochs = std::min<int64_t>(previous.training.epochs, 100);
        applyOverrides(request, b.training);
        b.model = previous.model;
    } else {
        b.name = preset.name != "default" ? preset.name : std::filesystem::path(data.path).stem().string();
        b.schema = data.schema;
        b.normalization = data.normalization;
        b.training = preset.training;
        // The training part's rows (and the row limit of a data-size study) size an update budget.
        const auto rows = static_cast<int64_t>(data.table.rows);
        int64_t trainRows = rows - static_cast<int64_t>(std::floor(b.training.testFraction * static_cast<double>(rows)));
        if (request.trainRowLimit > 0) trainRows = std::min(trainRows, request.trainRowLimit);
        b.training.scaleToRows(trainRows, request.batchSize.value_or(0));
        applyOverrides(request, b.training);
        b.config = preset.architecture;
        if (request.latentDim) b.config.latentDim = *request.latentDim;
        b.config = b.config.forSchema(data.schema);
    }
    if (!resuming) {
        if (b.config.latentDim < 1 || b.config.latentDim > 256)
            throw std::invalid_argument("latent dimension must be in 1..256, got " + std::to_string(b.config.latentDim));
        if (const std::string problem = b.training.validate(); !problem.empty())
            throw std::invalid_argument("training settings: " + problem);

        const TrainTestSplit split = splitTrainTest(data.table, b.training.testFraction, b.training.seed);
        b.split.seed = split.seedUsed;
        b.split.dataRows = static_cast<int64_t>(data.table.rows);
        b.split.dataFingerprint = dataFingerprint(data.table);
        b.split.dataFile = std::filesystem::path(data.path).filename().string();
        std::error_code ec;
        const std::filesystem::path absolute = std::filesystem::absolute(data.path, ec);
        b.split.dataPath = ec ? std::string() : absolute.lexically_normal().string();
        b.split.testRows = split.test;
        if (b.model.is_empty()) b.model = mcvae::seededModel(b.config, b.training.seed);
    }

    // The training rows in the order of the recorded draw (the accepted seed reproduces it).
    std::vector<int64_t> train = splitTrainTest(data.table, b.training.testFraction, b.split.seed, 1).train;
    if (request.trainRowLimit > 0 && request.trainRowLimit < static_cast<int64_t>(train.size()))
        train.resize(static_cast<size_t>(request.trainRowLimit));

    const DesignTensors all = makeDesignTensors(data.table, b.normalization);
    mcvae::McVaeTrainer trainer(b.model, b.training, all.select(train), all.select(b.split.testRows), device);
    if (resuming) trainer.restore(b.state);
    trainer.trainOn(ranks.get());

    // Checkpoints are copied here (a few hundred microseconds) and written on the writer's thread,
    // so that training goes on while the file is serialised; the file on disk is at most one
    // checkpoint behind.
    BackgroundWriter writer;
    auto onCheckpoint = [&](const TrainerState& state) {
        if (request.outPath.empty() || !writesFiles) return;
        mcvae::ModelBundle snapshot = b;  // shares the model: bundleArchive copies the weights as of now
        snapshot.state = state;
        auto archive = mcvae::bundleArchive(snapshot, request.outPath);
        writer.submit([archive, path = request.outPath] { saveArchiveAtomically(*archive, path, "model bundle"); });
    };
    const Stopwatch start;
    TrainResult result;
    b.state = trainer.run(onProgress, onCheckpoint, cancel);
    writer.finish();
    result.seconds = start.seconds();
    b.model->to(at::kCPU);
    result.cancelled = trainer.cancelled();
    result.trainRows = static_cast<int64_t>(train.size());
    result.deviceName = device.str();
    result.bundle = std::move(b);
    return result;
}

}  // namespace ms::api
