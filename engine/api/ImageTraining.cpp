#include "api/ImageTraining.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "api/ImageData.h"
#include "api/ImageTensors.h"
#include "data/DesignTensors.h"
#include "diffusion/ImageGeneration.h"
#include "diffusion/ImageMetrics.h"
#include "diffusion/ImageModelBundle.h"
#include "diffusion/McLdmTrainer.h"
#include "diffusion/TorchScriptFirstStage.h"
#include "io/ConfigJson.h"
#include "runtime/Stopwatch.h"
#include "runtime/TorchRuntime.h"

namespace ms {
namespace {

at::Tensor encodeAll(FirstStage& stage, const at::Tensor& images, const at::Device& device) {
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

KlAutoencoderConfig autoencoderConfig(const ImageTrainRequest& r, const ImageSet& images) {
    KlAutoencoderConfig ac;
    ac.imageChannels = images.channels;
    ac.latentChannels = r.aeLatentChannels;
    ac.hiddenChannels = r.aeHidden;
    ac.factor = r.aeFactor;
    if (images.size % ac.factor != 0)
        throw std::invalid_argument("image size " + std::to_string(images.size) + " is not divisible by the autoencoder factor " +
                                    std::to_string(ac.factor));
    return ac;
}

McUnetConfig unetConfig(const ImageTrainRequest& r, const Schema& schema, const McLdm& model) {
    McUnetConfig uc;
    uc.inChannels = model.firstStage->latentChannels();
    uc.baseChannels = r.baseChannels;
    uc.channelMult = r.channelMult;
    for (const auto& c : schema.categorical) uc.classCounts.push_back(static_cast<int64_t>(c.classes.size()));
    uc.numericalCount = static_cast<int64_t>(schema.numerical.size());
    const int64_t divisor = int64_t{1} << (uc.levels() - 1);
    if (model.latentSize() % divisor != 0)
        throw std::invalid_argument("latent size " + std::to_string(model.latentSize()) + " is not divisible by 2^(levels-1) = " +
                                    std::to_string(divisor) + "; use fewer levels or larger images");
    return uc;
}

}  // namespace

ImageTrainResult trainImageModel(const ImageSet& images, const ImageTrainRequest& r,
                                 const std::function<void(const ImageTrainProgress&)>& onProgress,
                                 const CancelToken& cancel) {
    if (r.outPath.empty()) throw std::invalid_argument("no output path for the image model");
    if (!(r.testFraction >= 0.0 && r.testFraction < 0.9)) throw std::invalid_argument("test fraction must be in [0, 0.9)");
    if (!r.resumeFrom.empty() && !r.fineTuneFrom.empty()) throw std::invalid_argument("resume or fine-tune, not both");
    const at::Device device = resolveDevice(r.device);
    ImageTrainResult result;
    result.deviceName = device.str();

    // The starting point: a saved run (resume / fine-tune) or nothing.
    ImageModelFile file;
    const std::string startFrom = !r.resumeFrom.empty() ? r.resumeFrom : r.fineTuneFrom;
    const bool resuming = !r.resumeFrom.empty();
    if (!startFrom.empty()) {
        file = loadImageModel(startFrom);
        if (file.model.imageSize != images.size || file.model.imageChannels != images.channels)
            throw std::invalid_argument(images.source + ": images are " + std::to_string(images.size) + " px, " +
                                        std::to_string(images.channels) + " channel(s); " + startFrom + " was trained on " +
                                        std::to_string(file.model.imageSize) + " px, " +
                                        std::to_string(file.model.imageChannels) + " channel(s)");
    }
    McLdm& model = file.model;
    const ImageConditions cond = startFrom.empty() ? inferImageConditions(images, r.preset)
                                                   : imageConditionsWithSchema(images, model.schema, model.normalization);
    const uint64_t seed = resuming ? file.training.value("seed", r.seed) : r.seed;
    const auto [trainIdx, testIdx] = splitRows(images.count(), resuming ? file.training.value("test_fraction", r.testFraction) : r.testFraction, seed);
    result.trainRows = static_cast<int64_t>(trainIdx.size());
    result.testRows = static_cast<int64_t>(testIdx.size());
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed + static_cast<uint64_t>(file.completedEpochs));
    seedParameterInitialisation(seed);

    const at::Tensor all = imagesToTensor(images);
    const at::Tensor trainImages = all.index_select(0, at::tensor(trainIdx, at::kLong)).to(device);
    const DesignTensors tensors = makeDesignTensors(cond.table, cond.normalization);
    const ConditionInput trainCond = tensors.select(trainIdx).conditions.to(device);
    const auto progress = [&](const char* stage, int64_t epochs, Stopwatch t0) {
        return [&, stage, epochs, t0](int64_t epoch, double loss) {  // epoch is 1-based
            if (onProgress) onProgress({stage, epoch, epochs, loss, t0.seconds(), {}});
        };
    };

    // 1. first stage: trained for new runs (unless TorchScript), optionally fine-tuned, else kept
    const Stopwatch t0;
    const auto trainFirstStage = [&] {
        AutoencoderTrainSettings as;
        as.epochs = r.aeEpochs;
        as.batchSize = std::min<int64_t>(r.batchSize, trainImages.size(0));
        as.lr = r.aeLr;
        result.autoencoderLoss = trainAutoencoder(model.autoencoder, trainImages, as, gen, progress("autoencoder", as.epochs, t0), cancel);
        model.firstStage = std::make_shared<KlFirstStage>(model.autoencoder);
    };
    if (startFrom.empty()) {
        model.schema = cond.schema;
        model.normalization = cond.normalization;
        model.imageSize = images.size;
        model.imageChannels = images.channels;
        if (!r.encoderScript.empty() || !r.decoderScript.empty()) {
            if (r.encoderScript.empty() || r.decoderScript.empty())
                throw std::invalid_argument("a TorchScript first stage needs both an encoder and a decoder file");
            model.firstStage = std::make_shared<TorchScriptFirstStage>(r.encoderScript, r.decoderScript, images.channels, images.size);
            model.firstStage->toDevice(device);
        } else {
            model.autoencoder = KlAutoencoder(autoencoderConfig(r, images));
            model.autoencoder->to(device);
            trainFirstStage();
        }
    } else {
        model.to(device);
        if (!resuming && r.fineTuneFirstStage) {
            if (!model.autoencoder)
                throw std::invalid_argument(startFrom + " has a TorchScript first stage, which Maskstudio does not train");
            trainFirstStage();
        }
    }
    if (cancel.cancelled()) {  // during the first stage: nothing to save yet
        result.cancelled = true;
        return result;
    }
    result.autoencoderSeconds = t0.seconds();
    if (!testIdx.empty()) {
        const at::Tensor test = all.index_select(0, at::tensor(testIdx, at::kLong)).to(device);
        const at::Tensor recon = model.firstStage->decode(encodeAll(*model.firstStage, test, device));
        result.reconstructionMse = perImageMse(recon.clamp(-1, 1), test).mean().item<double>();
    }

    // 2. latents, scaled to unit variance (a resumed or fine-tuned model keeps its scale)
    const at::Tensor rawLatents = encodeAll(*model.firstStage, trainImages, device);
    if (startFrom.empty() || r.fineTuneFirstStage) model.latentScale = latentScaleFor(rawLatents);
    result.latentScale = model.latentScale;
    const at::Tensor latents = rawLatents * model.latentScale;

    // 3. denoiser
    int64_t epochsDone = 0;
    int64_t totalEpochs = r.epochs;
    if (startFrom.empty()) {
        model.unet = McUnet(unetConfig(r, cond.schema, model));
        model.unet->to(device);
        file.optimizer = AdamWState{};
    } else if (resuming) {
        epochsDone = file.completedEpochs;
    } else {  // fine-tune: the loaded weights, a fresh optimizer, r.epochs more epochs
        file.optimizer = AdamWState{};
    }
    LdmTrainSettings ls;
    ls.epochs = totalEpochs;
    ls.batchSize = std::min<int64_t>(r.batchSize, latents.size(0));
    ls.lr = r.lr;
    ls.sparsity = r.sparsity;
    const int64_t previews = std::min<int64_t>(r.previewCount, static_cast<int64_t>(trainIdx.size()));
    const Stopwatch t1;
    const auto onLdmEpoch = [&](int64_t epoch, double loss) {
        ImageTrainProgress p{"mcldm", epoch, totalEpochs, loss, t1.seconds(), {}};
        if (r.previewEvery > 0 && previews > 0 && (epoch % r.previewEvery == 0 || epoch == totalEpochs)) {
            ImageGenerationSettings gs;
            gs.sampler.steps = 10;
            const at::Tensor imgs = generateImages(model, trainCond.slice(0, previews), gs).images;
            p.preview = ImagePixels{imgs.size(0), imgs.size(1), imgs.size(2), tensorToPixels(imgs)};
            model.unet->train();
        }
        if (onProgress) onProgress(p);
    };
    result.ldmLoss = trainMcLdm(model.unet, latents, trainCond, model.schedule, ls, gen, onLdmEpoch, cancel, epochsDone,
                                &file.optimizer);
    result.ldmSeconds = t1.seconds();
    result.completedEpochs = epochsDone + static_cast<int64_t>(result.ldmLoss.size());
    result.cancelled = cancel.cancelled() && result.completedEpochs < totalEpochs;

    std::vector<std::string> testFiles;
    for (int64_t i : testIdx) testFiles.push_back(images.files[static_cast<std::size_t>(i)]);
    nlohmann::json history = file.training.contains("mcldm") ? file.training["mcldm"].value("loss", nlohmann::json::array())
                                                              : nlohmann::json::array();
    if (!resuming) history = nlohmann::json::array();
    for (double l : result.ldmLoss) history.push_back(l);
    const nlohmann::json aeRecord = startFrom.empty() || (!resuming && r.fineTuneFirstStage)
                                        ? nlohmann::json{{"epochs", r.aeEpochs}, {"lr", r.aeLr}, {"seconds", result.autoencoderSeconds},
                                                         {"loss", result.autoencoderLoss}, {"heldout_mse", result.reconstructionMse}}
                                        : file.training.value("autoencoder", nlohmann::json::object());
    file.training = {{"data", images.source},
                     {"rows", images.count()},
                     {"seed", seed},
                     {"test_fraction", r.testFraction},
                     {"test_files", testFiles},
                     {"device", result.deviceName},
                     {"fine_tuned_from", r.fineTuneFrom},
                     {"autoencoder", aeRecord},
                     {"mcldm", {{"epochs", totalEpochs}, {"batch", ls.batchSize}, {"lr", r.lr}, {"sparsity", toJson(r.sparsity)},
                                {"seconds", result.ldmSeconds}, {"loss", history}}}};
    file.completedEpochs = result.completedEpochs;
    file.partial = result.cancelled;
    model.to(at::kCPU);
    saveImageModel(file, r.outPath);
    result.modelPath = r.outPath;
    return result;
}

}  // namespace ms
