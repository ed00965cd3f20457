#include "api/ImageTraining.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <stdexcept>

#include "api/ImageData.h"
#include "api/ImageTensors.h"
#include "data/DesignTensors.h"
#include "diffusion/ImageMetrics.h"
#include "diffusion/ImageModelBundle.h"
#include "diffusion/McLdmTrainer.h"
#include "diffusion/TorchScriptFirstStage.h"
#include "io/ConfigJson.h"
#include "runtime/TorchRuntime.h"

namespace ms {
namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

at::Tensor encodeAll(FirstStage& stage, const at::Tensor& images, const at::Device& device) {
    std::vector<at::Tensor> parts;
    for (int64_t b = 0; b < images.size(0); b += 256)
        parts.push_back(stage.encode(images.slice(0, b, std::min(b + 256, images.size(0))).to(device)));
    return at::cat(parts, 0);
}

}  // namespace

ImageTrainResult trainImageModel(const ImageSet& images, const ImageTrainRequest& r,
                                 const std::function<void(const ImageTrainProgress&)>& onProgress,
                                 const CancelToken& cancel) {
    if (r.outPath.empty()) throw std::invalid_argument("no output path for the image model");
    if (!(r.testFraction >= 0.0 && r.testFraction < 0.9)) throw std::invalid_argument("test fraction must be in [0, 0.9)");
    const ImageConditions cond = inferImageConditions(images, r.preset);
    const at::Device device = resolveDevice(r.device);
    ImageTrainResult result;
    result.deviceName = device.str();

    // Seeded split; the held-out files are recorded in the model for `image eval`.
    const int64_t n = images.count();
    std::vector<int64_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(r.seed);
    const at::Tensor perm = at::randperm(n, gen, at::kLong);
    const int64_t testRows = std::min<int64_t>(n - 1, static_cast<int64_t>(r.testFraction * static_cast<double>(n) + 0.5));
    std::vector<int64_t> trainIdx, testIdx;
    for (int64_t i = 0; i < n; ++i) (i < testRows ? testIdx : trainIdx).push_back(perm[i].item<int64_t>());
    std::sort(trainIdx.begin(), trainIdx.end());
    std::sort(testIdx.begin(), testIdx.end());
    result.trainRows = static_cast<int64_t>(trainIdx.size());
    result.testRows = static_cast<int64_t>(testIdx.size());

    const at::Tensor all = imagesToTensor(images);
    const at::Tensor trainImages = all.index_select(0, at::tensor(trainIdx, at::kLong)).to(device);
    const DesignTensors tensors = makeDesignTensors(cond.table, cond.normalization);
    const ConditionInput trainCond = tensors.select(trainIdx).conditions.to(device);

    McLdm model;
    model.schema = cond.schema;
    model.normalization = cond.normalization;
    model.imageSize = images.size;
    model.imageChannels = images.channels;
    const auto progress = [&](const char* stage, int64_t epochs, Clock::time_point t0) {
        return [&, stage, epochs, t0](int64_t epoch, double loss) {
            if (onProgress) onProgress({stage, epoch, epochs, loss, secondsSince(t0)});  // epoch is 1-based
        };
    };

    // 1. first stage
    const auto t0 = Clock::now();
    if (!r.encoderScript.empty() || !r.decoderScript.empty()) {
        if (r.encoderScript.empty() || r.decoderScript.empty())
            throw std::invalid_argument("a TorchScript first stage needs both an encoder and a decoder file");
        model.firstStage = std::make_shared<TorchScriptFirstStage>(r.encoderScript, r.decoderScript, images.channels, images.size);
        model.firstStage->toDevice(device);
    } else {
        KlAutoencoderConfig ac;
        ac.imageChannels = images.channels;
        ac.latentChannels = r.aeLatentChannels;
        ac.hiddenChannels = r.aeHidden;
        ac.factor = r.aeFactor;
        if (images.size % ac.factor != 0)
            throw std::invalid_argument("image size " + std::to_string(images.size) + " is not divisible by the autoencoder factor " +
                                        std::to_string(ac.factor));
        model.autoencoder = KlAutoencoder(ac);
        model.autoencoder->to(device);
        AutoencoderTrainSettings as;
        as.epochs = r.aeEpochs;
        as.batchSize = std::min<int64_t>(r.batchSize, trainImages.size(0));
        as.lr = r.aeLr;
        result.autoencoderLoss = trainAutoencoder(model.autoencoder, trainImages, as, gen, progress("autoencoder", as.epochs, t0), cancel);
        model.firstStage = std::make_shared<KlFirstStage>(model.autoencoder);
    }
    result.autoencoderSeconds = secondsSince(t0);
    if (cancel.cancelled()) {
        result.cancelled = true;
        return result;
    }
    if (!testIdx.empty()) {
        const at::Tensor test = all.index_select(0, at::tensor(testIdx, at::kLong)).to(device);
        const at::Tensor recon = model.firstStage->decode(encodeAll(*model.firstStage, test, device));
        result.reconstructionMse = perImageMse(recon.clamp(-1, 1), test).mean().item<double>();
    }

    // 2. latents, scaled to unit variance
    const at::Tensor rawLatents = encodeAll(*model.firstStage, trainImages, device);
    model.latentScale = latentScaleFor(rawLatents);
    result.latentScale = model.latentScale;
    const at::Tensor latents = rawLatents * model.latentScale;

    // 3. denoiser
    McUnetConfig uc;
    uc.inChannels = model.firstStage->latentChannels();
    uc.baseChannels = r.baseChannels;
    uc.channelMult = r.channelMult;
    for (const auto& c : cond.schema.categorical) uc.classCounts.push_back(static_cast<int64_t>(c.classes.size()));
    uc.numericalCount = static_cast<int64_t>(cond.schema.numerical.size());
    const int64_t latentSize = model.latentSize();
    const int64_t divisor = int64_t{1} << (uc.levels() - 1);
    if (latentSize % divisor != 0)
        throw std::invalid_argument("latent size " + std::to_string(latentSize) + " is not divisible by 2^(levels-1) = " +
                                    std::to_string(divisor) + "; use fewer levels or larger images");
    model.unet = McUnet(uc);
    model.unet->to(device);
    LdmTrainSettings ls;
    ls.epochs = r.epochs;
    ls.batchSize = std::min<int64_t>(r.batchSize, latents.size(0));
    ls.lr = r.lr;
    ls.sparsity = r.sparsity;
    const auto t1 = Clock::now();
    result.ldmLoss = trainMcLdm(model.unet, latents, trainCond, model.schedule, ls, gen, progress("mcldm", ls.epochs, t1), cancel);
    result.ldmSeconds = secondsSince(t1);
    if (cancel.cancelled()) {
        result.cancelled = true;
        return result;
    }

    ImageModelFile file;
    file.model = model;
    std::vector<std::string> testFiles;
    for (int64_t i : testIdx) testFiles.push_back(images.files[static_cast<std::size_t>(i)]);
    file.training = {{"data", images.source},
                     {"rows", n},
                     {"seed", r.seed},
                     {"test_files", testFiles},
                     {"device", result.deviceName},
                     {"autoencoder", {{"epochs", r.aeEpochs}, {"lr", r.aeLr}, {"seconds", result.autoencoderSeconds},
                                      {"loss", result.autoencoderLoss}, {"heldout_mse", result.reconstructionMse}}},
                     {"mcldm", {{"epochs", r.epochs}, {"batch", ls.batchSize}, {"lr", r.lr}, {"sparsity", toJson(r.sparsity)},
                                {"seconds", result.ldmSeconds}, {"loss", result.ldmLoss}}}};
    model.to(at::kCPU);
    saveImageModel(file, r.outPath);
    result.modelPath = r.outPath;
    return result;
}

}  // namespace ms
