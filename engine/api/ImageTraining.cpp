#include "api/ImageTraining.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <numeric>
#include <stdexcept>

#include "api/ImageData.h"
#include "api/RenderFrame.h"
#include "core/data/DesignTensors.h"
#include "core/data/ImageTensors.h"
#include "core/io/BundleError.h"
#include "core/io/ConfigJson.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "diffusion/ImageGeneration.h"
#include "diffusion/ImageMetrics.h"
#include "diffusion/ImageModelBundle.h"
#include "diffusion/McLdmTrainer.h"
#include "diffusion/TargetShape.h"
#include "diffusion/TorchScriptFirstStage.h"
#include "distributed/GlooGroup.h"

namespace ms::api {
namespace {

at::Tensor encodeAll(diffusion::FirstStage& stage, const at::Tensor& images, const at::Device& device) {
    std::vector<at::Tensor> parts;
    for (int64_t b = 0; b < images.size(0); b += 256)
        parts.push_back(stage.encode(images.slice(0, b, std::min(b + 256, images.size(0))).to(device)));
    return at::cat(parts, 0);
}

// Seeded 90/10-style split of the rows: (train, test), each sorted.
std::pair<std::vector<int64_t>, std::vector<int64_t>> splitRows(int64_t n, double testFraction, uint64_t seed) {
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    const at::Tensor perm = at::randperm(n, gen, at::kLong);
    const int64_t testRows = std::min<int64_t>(n - 1, static_cast<int64_t>(testFraction * static_cast<double>(n) + 0.5));
    std::vector<int64_t> train, test;
    for (int64_t i = 0; i < n; ++i) (i < testRows ? test : train).push_back(perm[i].item<int64_t>());
    std::sort(train.begin(), train.end());
    std::sort(test.begin(), test.end());
    return {train, test};
}

diffusion::KlAutoencoderConfig autoencoderConfig(const ImageTrainRequest& r, const ImageSet& images) {
    diffusion::KlAutoencoderConfig ac;
    ac.imageChannels = images.channels;
    ac.latentChannels = r.aeLatentChannels;
    ac.hiddenChannels = r.aeHidden;
    ac.factor = r.aeFactor;
    if (images.size % ac.factor != 0)
        throw std::invalid_argument("image size " + std::to_string(images.size) + " is not divisible by the autoencoder factor " +
                                    std::to_string(ac.factor));
    return ac;
}

diffusion::McUnetConfig unetConfig(const ImageTrainRequest& r, const Schema& schema, const diffusion::McLdm& model) {
    diffusion::McUnetConfig uc;
    uc.inChannels = model.firstStage->latentChannels();
    uc.baseChannels = r.baseChannels;
    uc.channelMult = r.channelMult;
    for (const auto& c : schema.categorical) uc.classCounts.push_back(static_cast<int64_t>(c.classes.size()));
    uc.numericalCount = static_cast<int64_t>(schema.numerical.size());
    uc.crossAttention = r.crossAttention;
    uc.crossAttentionLevels = std::min<int64_t>(2, uc.levels());
    const int64_t divisor = int64_t{1} << (uc.levels() - 1);
    if (model.latentSize() % divisor != 0)
        throw std::invalid_argument("latent size " + std::to_string(model.latentSize()) + " is not divisible by 2^(levels-1) = " +
                                    std::to_string(divisor) + "; use fewer levels or larger images");
    return uc;
}

// A mid-epoch position read from a checkpoint, if it fits the rows the stage trains on (the
// same data and split give the same count; anything else resumes from the epoch's start).
EpochPosition usablePosition(const EpochPosition& p, int64_t rows, const char* stage) {
    if (!p.defined()) return {};
    if (p.permutation.numel() != rows) {
        std::fprintf(stderr, "note: the checkpoint's %s position is for %lld rows, not %lld: resuming from the start of its epoch\n",
                     stage, static_cast<long long>(p.permutation.numel()), static_cast<long long>(rows));
        return {};
    }
    std::fprintf(stderr, "resuming the %s stage inside epoch %lld, after %lld of its %lld rows\n", stage,
                 static_cast<long long>(p.epoch), static_cast<long long>(p.rowsDone), static_cast<long long>(rows));
    return p;
}

enum class StartKind { New, Resume, FineTune };

// Where a run starts, decided once (as runTraining does for keypoint models): everything that
// differs between a new run, a resumed one and a fine-tuning, typed.
struct ImageRunStart {
    StartKind kind = StartKind::New;
    std::string from;                // the model file resumed or fine-tuned ("" for a new run)
    diffusion::ImageModelFile file;  // its contents; a new run fills it in
    ImageConditions conditions;      // the images' conditions in the model's schema
    uint64_t seed = 0;               // of the split and the training noise
    double testFraction = 0.1;
    int64_t epochsDone = 0;          // mcLDM epochs already trained towards request.epochs (resume)
    int64_t batchSize = 32;          // the request's; a resumed run's own (its epochs and positions are in its batches)
    bool trainAutoencoder = false;   // a new autoencoder, or fine-tuning the loaded one
    int64_t autoencoderEpochs = 0;   // its epochs in all, and those already done (a resumed first stage)
    int64_t autoencoderEpochsDone = 0;
    double autoencoderLr = 1e-3;
    std::vector<double> autoencoderLossSoFar;
    bool rescaleLatents = true;      // compute the latent scale from this run's first stage
    bool freshOptimizer = true;
    std::vector<double> lossHistory;             // mcLDM loss per epoch so far (resume)
    EpochPosition position;                      // a resumed run stopped inside an epoch (of the stage it names)
    nlohmann::json autoencoderRecord = nullptr;  // the first stage's record when it is kept
};

ImageRunStart chooseStart(const ImageSet& images, const ImageTrainRequest& r) {
    if (!r.resumeFrom.empty() && !r.fineTuneFrom.empty()) throw std::invalid_argument("resume or fine-tune, not both");
    ImageRunStart start;
    start.seed = r.seed;
    start.testFraction = r.testFraction;
    start.autoencoderEpochs = r.aeEpochs;
    start.autoencoderLr = r.aeLr;
    start.batchSize = r.batchSize;
    if (r.resumeFrom.empty() && r.fineTuneFrom.empty()) {
        start.conditions = inferImageConditions(images, r.preset);
        start.trainAutoencoder = r.encoderScript.empty() && r.decoderScript.empty() && r.firstStageFrom.empty();
        if (!r.firstStageFrom.empty()) {
            if (!r.encoderScript.empty() || !r.decoderScript.empty())
                throw std::invalid_argument("a borrowed first stage or a TorchScript one, not both");
            const diffusion::ImageModelFile lender = diffusion::loadImageModel(r.firstStageFrom);
            requireImagesOfSize(images, lender.model.imageSize, lender.model.imageChannels);
            start.file.model.firstStage = lender.model.firstStage;
            start.file.model.autoencoder = lender.model.autoencoder;
            start.autoencoderRecord = lender.training.value("autoencoder", nlohmann::json::object());
            start.autoencoderRecord["borrowed_from"] = r.firstStageFrom;
        }
        return start;
    }
    if (!r.firstStageFrom.empty()) throw std::invalid_argument("a borrowed first stage is for new runs, not resumed or fine-tuned ones");
    start.kind = r.resumeFrom.empty() ? StartKind::FineTune : StartKind::Resume;
    start.from = start.kind == StartKind::Resume ? r.resumeFrom : r.fineTuneFrom;
    start.file = diffusion::loadImageModel(start.from);
    const diffusion::McLdm& model = start.file.model;
    if (model.imageSize != images.size || model.imageChannels != images.channels)
        throw std::invalid_argument(images.source + ": images are " + std::to_string(images.size) + " px, " +
                                    std::to_string(images.channels) + " channel(s); " + start.from + " was trained on " +
                                    std::to_string(model.imageSize) + " px, " + std::to_string(model.imageChannels) + " channel(s)");
    start.conditions = imageConditionsWithSchema(images, model.schema, model.normalization);
    const nlohmann::json& record = start.file.training;
    if (start.kind == StartKind::Resume) {
        // Same split, noise stream, optimizer and history: the run goes on where it stopped.
        start.seed = record.value("seed", r.seed);
        start.testFraction = record.value("test_fraction", r.testFraction);
        if (record.contains("batch")) start.batchSize = record["batch"].get<int64_t>();
        else if (record.contains("mcldm")) start.batchSize = record["mcldm"].value("batch", r.batchSize);
        start.epochsDone = start.file.completedEpochs;
        start.position = start.file.position;
        start.freshOptimizer = false;
        start.rescaleLatents = false;
        if (record.contains("mcldm")) start.lossHistory = record["mcldm"].value("loss", std::vector<double>{});
        start.autoencoderRecord = record.value("autoencoder", nlohmann::json::object());
        if (start.file.autoencoderEpochsDone >= 0) {
            // Killed or cancelled during its autoencoder stage: that stage goes on from the epoch
            // it reached, then the (untrained or fine-tuned) U-Net starts on the new latents.
            if (!model.autoencoder) throw BundleError(start.from + ": a first-stage checkpoint without its autoencoder");
            const nlohmann::json ae = start.autoencoderRecord;
            start.autoencoderEpochs = ae.value("epochs", r.aeEpochs);
            start.autoencoderLr = ae.value("lr", r.aeLr);
            start.autoencoderEpochsDone = std::min(start.file.autoencoderEpochsDone, start.autoencoderEpochs);
            start.autoencoderLossSoFar = ae.value("loss", std::vector<double>{});
            start.trainAutoencoder = start.autoencoderEpochsDone < start.autoencoderEpochs;
            start.autoencoderRecord = nullptr;
            start.rescaleLatents = true;
            start.freshOptimizer = true;
            start.epochsDone = 0;
            start.lossHistory.clear();
        }
    } else {
        // New data, new split; the loaded weights, a fresh optimizer, request.epochs more epochs.
        start.trainAutoencoder = r.fineTuneFirstStage;
        start.rescaleLatents = r.fineTuneFirstStage;
        if (r.fineTuneFirstStage && !model.autoencoder)
            throw std::invalid_argument(start.from + " has a TorchScript first stage, which Maskstudio does not train");
        if (!r.fineTuneFirstStage) start.autoencoderRecord = record.value("autoencoder", nlohmann::json::object());
    }
    return start;
}

}  // namespace

ImageTrainResult trainImageModel(const ImageSet& images, const ImageTrainRequest& r, const ImageTrainProgressFn& onProgress,
                                 const CancelToken& cancel) {
    if (r.outPath.empty()) throw std::invalid_argument("no output path for the image model");
    if (!(r.testFraction >= 0.0 && r.testFraction < 0.9)) throw std::invalid_argument("test fraction must be in [0, 0.9)");
    const at::Device device = resolveDevice(r.device, r.distributed.localRank);
    ImageRunStart start = chooseStart(images, r);
    // Several ranks: joined once the images and the starting model have loaded.
    const std::unique_ptr<distributed::GlooGroup> ranks = distributed::joinRanks(r.distributed);
    const bool writesFiles = !ranks || ranks->rank() == 0;
    diffusion::ImageModelFile& file = start.file;
    diffusion::McLdm& model = file.model;
    const ImageConditions& cond = start.conditions;
    ImageTrainResult result;
    result.deviceName = device.str();

    const auto [trainIdx, testIdx] = splitRows(images.count(), start.testFraction, start.seed);
    result.trainRows = static_cast<int64_t>(trainIdx.size());
    result.testRows = static_cast<int64_t>(testIdx.size());
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(start.seed + static_cast<uint64_t>(file.completedEpochs));
    seedParameterInitialisation(start.seed);

    const at::Tensor all = imagesToTensor(images);
    const at::Tensor trainImages = all.index_select(0, at::tensor(trainIdx, at::kLong)).to(device);
    const DesignTensors tensors = makeDesignTensors(cond.table, cond.normalization);
    const ConditionInput trainCond = tensors.select(trainIdx).conditions.to(device);

    // 1. first stage: a new one (the project's autoencoder, trained, or a TorchScript pair), the
    //    loaded one fine-tuned, or the loaded one as it is
    const Stopwatch t0;
    if (start.kind == StartKind::New) {
        model.schema = cond.schema;
        model.normalization = cond.normalization;
        model.imageSize = images.size;
        model.imageChannels = images.channels;
        if (start.trainAutoencoder) {
            model.autoencoder = diffusion::KlAutoencoder(autoencoderConfig(r, images));
            model.autoencoder->to(device);
        } else if (model.firstStage) {  // borrowed (chooseStart)
            model.firstStage->toDevice(device);
        } else {
            if (r.encoderScript.empty() || r.decoderScript.empty())
                throw std::invalid_argument("a TorchScript first stage needs both an encoder and a decoder file");
            model.firstStage = std::make_shared<diffusion::TorchScriptFirstStage>(r.encoderScript, r.decoderScript, images.channels, images.size);
            model.firstStage->toDevice(device);
        }
    } else {
        model.to(device);
    }
    // The record every file of this run carries (the split, so that a resumed run keeps it).
    std::vector<std::string> testFiles;
    for (int64_t i : testIdx) testFiles.push_back(images.files[static_cast<std::size_t>(i)]);
    const auto runRecord = [&](const nlohmann::json& autoencoder) {
        return nlohmann::json{{"data", images.source},
                              {"rows", images.count()},
                              {"seed", start.seed},
                              {"batch", start.batchSize},
                              {"test_fraction", start.testFraction},
                              {"test_files", testFiles},
                              {"device", result.deviceName},
                              {"fine_tuned_from", r.fineTuneFrom},
                              {"autoencoder", autoencoder}};
    };
    std::vector<double> autoencoderLoss = start.autoencoderLossSoFar;  // of every epoch of the stage
    if (start.trainAutoencoder) {
        const int64_t aeTotal = start.autoencoderEpochs;
        diffusion::AutoencoderTrainSettings as;
        as.epochs = aeTotal;
        as.epochsDone = start.autoencoderEpochsDone;
        if (start.file.autoencoderEpochsDone >= 0) as.resumeFrom = usablePosition(start.position, trainImages.size(0), "autoencoder");
        as.batchSize = std::min<int64_t>(start.batchSize, trainImages.size(0));
        as.lr = start.autoencoderLr;
        model.firstStage = std::make_shared<diffusion::KlFirstStage>(model.autoencoder);
        // A checkpoint after every epoch of the stage (kill -9 loses at most the one under way).
        // A new run's file needs a U-Net: a placeholder built with the global generator put back
        // after, so that the one trained later draws exactly the weights it always drew.
        diffusion::McUnet untrained = model.unet;
        if (!untrained) {
            at::Generator global = at::detail::getDefaultCPUGenerator();
            at::Tensor state;
            {
                std::lock_guard<std::mutex> lock(global.mutex());
                state = global.get_state();
            }
            untrained = diffusion::McUnet(unetConfig(r, cond.schema, model));
            std::lock_guard<std::mutex> lock(global.mutex());
            global.set_state(state);
        }
        const auto saveCheckpoint = [&](int64_t epochsDone, const EpochPosition& position) {
            if (!writesFiles) return;
            diffusion::ImageModelFile checkpoint;
            checkpoint.model = model;
            checkpoint.model.unet = untrained;
            checkpoint.training = runRecord({{"epochs", aeTotal}, {"lr", as.lr}, {"loss", autoencoderLoss}});
            checkpoint.partial = true;
            checkpoint.autoencoderEpochsDone = epochsDone;
            checkpoint.position = position;
            diffusion::saveImageModel(checkpoint, r.outPath);
            result.modelPath = r.outPath;
        };
        const EpochLossFn onEpoch = [&](int64_t epoch, double loss) {  // epoch is 1-based, of the stage
            autoencoderLoss.push_back(loss);
            saveCheckpoint(epoch, {});
            if (onProgress) onProgress({"autoencoder", epoch, aeTotal, loss, t0.seconds(), {}});
        };
        as.midEpoch = {r.checkpointSeconds, [&](const EpochPosition& p) { saveCheckpoint(p.epoch - 1, p); }};
        as.group = ranks.get();
        result.autoencoderLoss = diffusion::trainAutoencoder(model.autoencoder, trainImages, as, gen, onEpoch, cancel);
        // data parallel, a cancel on any rank stops every rank short of the stage's epochs
        if (ranks && static_cast<int64_t>(result.autoencoderLoss.size()) < aeTotal - as.epochsDone) result.cancelled = true;
    }
    if (cancel.cancelled() || result.cancelled) {  // during the first stage: its last epoch's checkpoint is on disk (if one ended)
        result.cancelled = true;
        return result;
    }
    result.autoencoderSeconds = t0.seconds();
    if (!testIdx.empty()) {
        const at::Tensor test = all.index_select(0, at::tensor(testIdx, at::kLong)).to(device);
        const at::Tensor recon = model.firstStage->decode(encodeAll(*model.firstStage, test, device));
        result.reconstructionMse = diffusion::perImageMse(recon.clamp(-1, 1), test).mean().item<double>();
    }

    // 2. latents, scaled to unit variance (a resumed model, or one fine-tuned without its first
    //    stage, keeps its scale)
    const at::Tensor rawLatents = encodeAll(*model.firstStage, trainImages, device);
    if (start.rescaleLatents) model.latentScale = diffusion::latentScaleFor(rawLatents);
    result.latentScale = model.latentScale;
    const at::Tensor latents = rawLatents * model.latentScale;

    // 3. denoiser
    if (start.kind == StartKind::New) {
        model.unet = diffusion::McUnet(unetConfig(r, cond.schema, model));
        model.unet->to(device);
    }
    if (start.freshOptimizer) file.optimizer = AdamWState{};
    const int64_t totalEpochs = r.epochs;
    diffusion::LdmTrainSettings ls;
    ls.epochs = totalEpochs;
    ls.batchSize = std::min<int64_t>(start.batchSize, latents.size(0));
    ls.lr = r.lr;
    ls.sparsity = r.sparsity;
    ls.maskDropout = r.maskDropout;
    ls.maskAttentionWeight = r.maskAttentionWeight;
    ls.placementShift = r.placementShift;
    if (start.file.autoencoderEpochsDone < 0) ls.resumeFrom = usablePosition(start.position, latents.size(0), "mcLDM");
    const bool crossAttention = model.unet->config().crossAttention;
    // the training images' own coarse silhouettes (what a user's sketch of the shape looks like)
    const at::Tensor targetMasks = crossAttention ? diffusion::silhouetteMasks(trainImages, model.unet->config().maskGrid) : at::Tensor();
    const int64_t previews = std::min<int64_t>(r.previewCount, static_cast<int64_t>(trainIdx.size()));
    const Stopwatch t1;

    // The model file with the run's record as of the mcLDM epochs run so far: written at
    // the end of every epoch (kill -9 loses at most the epoch under way; the write is atomic) and
    // once more when the run ends.
    std::vector<double> ldmLossSoFar;
    EpochPosition stoppedAt;  // the last position saved inside the epoch under way (a cancelled run's)
    const auto writeModel = [&](bool partial, const EpochPosition& position) {
        if (!writesFiles) return;
        std::vector<double> history = start.lossHistory;
        history.insert(history.end(), ldmLossSoFar.begin(), ldmLossSoFar.end());
        file.training = runRecord(start.autoencoderRecord.is_null()
                                      ? nlohmann::json{{"epochs", start.autoencoderEpochs}, {"lr", start.autoencoderLr},
                                                       {"seconds", result.autoencoderSeconds}, {"loss", autoencoderLoss},
                                                       {"heldout_mse", result.reconstructionMse}}
                                      : start.autoencoderRecord);
        file.training["mcldm"] = {{"epochs", totalEpochs}, {"batch", ls.batchSize}, {"lr", r.lr}, {"sparsity", toJson(r.sparsity)},
                                  {"seconds", t1.seconds()}, {"loss", history}};
        // the sketches' world window (image render's frame.json), for target shapes drawn from designs
        if (const ImageRenderFrame frame = readRenderFrameBeside(images.source); frame.known())
            file.training["render_frame"] = toJson(frame);
        if (crossAttention)
            file.training["mcldm"]["target_masks"] = {{"kind", "silhouette"}, {"dropout", ls.maskDropout},
                                                      {"attention_weight", ls.maskAttentionWeight}};
        if (ls.placementShift > 0) file.training["mcldm"]["placement_shift_cells"] = ls.placementShift;
        file.completedEpochs = start.epochsDone + static_cast<int64_t>(ldmLossSoFar.size());
        file.partial = partial;
        file.autoencoderEpochsDone = -1;
        file.position = position;
        diffusion::saveImageModel(file, r.outPath);
    };
    const EpochLossFn onLdmEpoch = [&](int64_t epoch, double loss) {
        ImageTrainProgress p{"mcldm", epoch, totalEpochs, loss, t1.seconds(), {}};
        if (writesFiles && r.previewEvery > 0 && previews > 0 && (epoch % r.previewEvery == 0 || epoch == totalEpochs)) {
            diffusion::ImageGenerationSettings gs;
            gs.sampler.steps = 10;
            const at::Tensor imgs = diffusion::generateImages(model, trainCond.slice(0, previews), gs).images;
            p.preview = ImagePixels{imgs.size(0), imgs.size(1), imgs.size(2), tensorToPixels(imgs)};
            model.unet->train();
        }
        ldmLossSoFar.push_back(loss);
        stoppedAt = {};
        if (epoch < totalEpochs) writeModel(/*partial=*/true, {});  // the last one is written below
        if (onProgress) onProgress(p);
    };
    // inside an epoch: the optimizer's state is current (trainMcLdm) and the model on the CPU side
    // is written as it is (saveImageModel copies what it writes to the CPU)
    ls.midEpoch = {r.checkpointSeconds, [&](const EpochPosition& p) {
                       writeModel(/*partial=*/true, p);
                       stoppedAt = p;
                   }};
    ls.group = ranks.get();
    result.ldmLoss = diffusion::trainMcLdm(model.unet, latents, trainCond, model.schedule, ls, gen, onLdmEpoch, cancel,
                                           start.epochsDone, &file.optimizer, targetMasks);
    result.ldmSeconds = t1.seconds();
    result.completedEpochs = start.epochsDone + static_cast<int64_t>(result.ldmLoss.size());
    result.cancelled = (cancel.cancelled() || ranks) && result.completedEpochs < totalEpochs;

    // 4. the model file, with the run's record
    model.to(at::kCPU);
    writeModel(result.cancelled, result.cancelled ? stoppedAt : EpochPosition{});
    if (writesFiles) result.modelPath = r.outPath;
    if (ranks) {
        result.collectiveSeconds = ranks->collectiveSeconds();
        result.collectiveCalls = ranks->collectiveCalls();
    }
    return result;
}

}  // namespace ms::api
