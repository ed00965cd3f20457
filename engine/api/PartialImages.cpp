#include "api/PartialImages.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

#include "api/ImageData.h"
#include "api/PartialImageModel.h"
#include "api/PartialPixels.h"
#include "api/PartialScaling.h"
#include "core/data/DesignTensors.h"
#include "core/data/SchemaJson.h"
#include "core/io/BundleError.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "distributed/GlooGroup.h"
#include "partial/ContextMasks.h"
#include "partial/ImageDenoiser.h"
#include "partial/MaskPriorPool.h"
#include "partial/PartialModelFile.h"
#include "partial/PartialTrainer.h"

namespace ms::api {

namespace {

constexpr double kBlockFill = 0.9;  // hidden pixels filling this much of their bounding box: a block

// One halving per level while the size allows, at most three levels (28 -> 14 -> 7).
std::vector<int64_t> levelsFor(int64_t size) {
    std::vector<int64_t> mult{1};
    for (int64_t s = size; mult.size() < 3 && s % 2 == 0 && s >= 8; s /= 2) mult.push_back(2);
    return mult;
}

// The data's own mask structure: which masks hide one square-ish region, and its typical side.
// learnPrior: the contexts come from a prior learnt over the masks (asked for, or "auto" when the
// masks mix blocks and scattered gaps, each in at least a tenth of the masks with gaps: no hand
// rule matches such data).
partial::ContextSettings contextFor(const std::string& mode, double delta, const std::vector<uint8_t>& observed, int64_t n,
                                    int64_t channels, int64_t size, std::string& description, bool& learnPrior) {
    partial::ContextSettings c;
    c.delta = delta;
    c.image = {channels, size, size};
    if (mode != "iid" && mode != "block" && mode != "auto" && mode != "prior")
        throw std::invalid_argument("partial images: context must be iid, block, prior or auto, not '" + mode + "'");
    int64_t blocks = 0, scattered = 0;
    double hiddenInBlocks = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        int64_t hidden = 0, top = size, bottom = -1, left = size, right = -1;
        for (int64_t y = 0; y < size; ++y)
            for (int64_t x = 0; x < size; ++x)
                if (!observed[static_cast<std::size_t>((i * size + y) * size + x)]) {
                    ++hidden;
                    top = std::min(top, y), bottom = std::max(bottom, y), left = std::min(left, x), right = std::max(right, x);
                }
        if (hidden < 4) continue;
        const double box = static_cast<double>((bottom - top + 1) * (right - left + 1));
        if (static_cast<double>(hidden) >= kBlockFill * box) {
            ++blocks;
            hiddenInBlocks += static_cast<double>(hidden);
        } else {
            ++scattered;
        }
    }
    const double gapped = static_cast<double>(std::max<int64_t>(1, blocks + scattered));
    learnPrior = mode == "prior" ||
                 (mode == "auto" && static_cast<double>(blocks) >= 0.1 * gapped && static_cast<double>(scattered) >= 0.1 * gapped);
    if (learnPrior) {
        description = "a prior learnt over the masks (" + std::to_string(blocks) + " block-like, " + std::to_string(scattered) +
                      " scattered): contexts M_hat x M";
        return c;
    }
    const int64_t side = blocks > 0 ? std::llround(std::sqrt(hiddenInBlocks / static_cast<double>(blocks))) : size / 2;
    c.blockSide = std::clamp<int64_t>(side, 1, size);
    c.blockShare = mode == "block" ? 1.0 : mode == "iid" ? 0.0 : static_cast<double>(blocks) / static_cast<double>(n);
    if (c.blockShare <= 0.0) {
        description = "i.i.d. pixels (delta " + std::to_string(delta).substr(0, 4) + ")";
    } else {
        description = "blocks of " + std::to_string(c.blockSide) + " x " + std::to_string(c.blockSide) + " in " +
                      std::to_string(std::llround(100.0 * c.blockShare)) + " % of the images";
        if (c.blockShare < 1.0) description += ", i.i.d. pixels in the rest";
    }
    return c;
}

// The preview of the partition: the first masks with gaps and, beside them, the prior's first
// draws or the contexts the hand rule cuts out of those images (one channel: masks are shared).
ImageGapPreview gapPreview(const at::Tensor& observed, const partial::ContextSettings& context, int64_t channels, int64_t size,
                           int64_t count, uint64_t seed, const std::string& description) {
    ImageGapPreview preview;
    preview.size = size;
    preview.context = description;
    const int64_t pixels = size * size;
    const at::Tensor all = observed.cpu();
    const at::Tensor grey = all.view({all.size(0), channels, pixels}).select(1, 0);
    const at::Tensor gapped = (grey.sum(1) < static_cast<double>(pixels) - 0.5).nonzero().view(-1);
    const at::Tensor rows = all.index_select(0, gapped.narrow(0, 0, std::min<int64_t>(count, gapped.numel())));
    const auto bytes = [&](const at::Tensor& masks) {  // [k, C*S*S] float 0/1 -> k x S x S bytes
        const at::Tensor m = masks.view({masks.size(0), channels, pixels}).select(1, 0).gt(0.5).to(at::kByte).cpu().contiguous();
        return std::vector<uint8_t>(m.data_ptr<uint8_t>(), m.data_ptr<uint8_t>() + m.numel());
    };
    preview.dataMasks = bytes(rows);
    if (context.priorPool.defined()) {
        preview.drawnFromPrior = true;
        preview.drawnMasks = bytes(context.priorPool.narrow(0, 0, std::min<int64_t>(rows.size(0), context.priorPool.size(0))));
    } else if (rows.size(0) > 0) {
        at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
        preview.drawnMasks = bytes(partial::drawContextMask(rows, context, generator));
    }
    return preview;
}

ConditionInput conditionsOf(const ImageConditions& conditions) { return makeDesignTensors(conditions.table, conditions.normalization).conditions; }

}  // namespace

PartialImageTrainResult trainPartialOnImages(const ImageSet& images, const std::vector<uint8_t>& observed,
                                             const PartialImageTrainRequest& request, const EpochLossFn& onEpoch,
                                             const CancelToken& cancel) {
    const Stopwatch clock;
    const int64_t n = images.count(), size = images.size;
    if (n < 1) throw std::invalid_argument("partial images: no image to learn from");
    const std::vector<int64_t> mult = levelsFor(size);
    if (mult.size() < 2)
        throw std::invalid_argument("partial images: " + std::to_string(size) + " x " + std::to_string(size) +
                                    " images cannot be halved by the U-Net; use an even size of at least 8");
    const PartialPixels px = partialPixels(images.pixels, observed, n, images.channels, size);
    const std::unique_ptr<distributed::GlooGroup> ranks = distributed::joinRanks(request.distributed);  // several ranks: joined once the images are read
    const ImageConditions conditions = inferImageConditions(images, request.preset, {request.maskColumn});
    const Normalization norm = partialModelNormalization(conditions.schema, {}, {});
    ImageConditions scaled = conditions;
    scaled.normalization = norm;
    const bool hasConditions = conditions.schema.conditionCount() > 0;
    const ConditionInput conditionInput = hasConditions ? conditionsOf(scaled) : ConditionInput();

    PartialImageTrainResult result;
    partial::PartialModelFile file;
    file.dataKind = "images";
    file.schema = schemaToJson(conditions.schema);
    partial::ImageDenoiserConfig config;
    config.channels = images.channels;
    config.height = config.width = size;
    config.baseChannels = request.baseChannels;
    config.channelMult = mult;
    for (const CategoricalSpec& c : conditions.schema.categorical) config.classCounts.push_back(static_cast<int64_t>(c.classes.size()));
    config.numericalCount = static_cast<int64_t>(conditions.schema.numerical.size());
    seedParameterInitialisation(request.seed);
    file.parts.net = partial::ImageDenoiser(config).ptr();
    file.parts.schedule = diffusion::NoiseSchedule::linear();
    bool learnPrior = false;
    file.parts.context = contextFor(request.context, request.delta, observed, n, images.channels, size, result.context, learnPrior);
    file.parts.masks = partial::MaskDistribution::measure(px.observed, {});
    if (learnPrior) {  // Work II: a BFN over the data's masks, a pool of its draws (partial/MaskPrior)
        partial::MaskPriorPoolSettings prior;
        prior.image = {images.channels, size, size};
        prior.channelMult = mult;
        partial::useImagePriorDefaults(prior, request.priorUpdates);
        prior.training.batchSize = std::min<int64_t>(32, n);
        prior.training.seed = request.seed + 1;
        prior.training.group = ranks.get();
        prior.poolSize = request.priorPool;
        const int64_t priorEpochs = partial::maskPriorEpochs(n, prior.training);
        file.parts.context.priorPool = partial::learnMaskPriorPool(px.observed, prior, cancel, [&](int64_t epoch, double loss) {
            if (request.onPriorEpoch) request.onPriorEpoch(epoch, priorEpochs, loss);
        });
        if (cancel.cancelled()) throw std::runtime_error("partial training cancelled; " + request.outPath + " was not written");
    }
    partial::PartialTrainingSettings settings;
    settings.context = file.parts.context;
    settings.batchSize = request.batchSize;
    const int64_t passes = 30 * ((n + request.batchSize - 1) / std::max<int64_t>(1, request.batchSize));
    settings.updates = request.updates > 0 ? request.updates : std::clamp<int64_t>(passes, 2000, 20000);
    settings.lr = request.lr;
    settings.lowNoiseShare = 0.8;
    settings.seed = request.seed;
    settings.group = ranks.get();
    if (request.onPartition) {
        ImageGapPreview preview = gapPreview(px.observed, file.parts.context, images.channels, size, request.previewMasks,
                                             request.seed + 2, result.context);
        preview.updates = settings.updates;
        preview.epochs = partial::partialTrainingEpochs(n, settings);
        request.onPartition(preview);
    }
    const std::vector<double> losses = partial::trainPartialDiffusion(*file.parts.net, file.parts.schedule, px.u, px.observed,
                                                                      hasConditions ? &conditionInput : nullptr, settings, onEpoch, cancel);
    if (cancel.cancelled()) throw std::runtime_error("partial training cancelled; " + request.outPath + " was not written");
    result.images = n;
    result.imagesWithGaps = (px.observed.sum(1) < static_cast<double>(px.observed.size(1)) - 0.5).sum().item<int64_t>();
    result.observedFraction = px.observed.mean().item<double>();
    result.updates = settings.updates;
    result.finalLoss = losses.empty() ? 0.0 : losses.back();
    file.training = {{"data", images.source}, {"rows", n}, {"rows_with_gaps", result.imagesWithGaps},
                     {"observed_fraction", result.observedFraction}, {"updates", settings.updates},
                     {"batch_size", settings.batchSize}, {"lr", settings.lr}, {"context", result.context},
                     {"seed", request.seed}, {"final_loss", result.finalLoss}};
    if (!ranks || ranks->rank() == 0) partial::savePartialModel(file, request.outPath);
    result.seconds = clock.seconds();
    return result;
}

std::vector<uint8_t> completeImagesWithPartial(const std::string& modelPath, const ImageSet& images,
                                               const std::vector<uint8_t>& observed, const PartialCompletion& how) {
    return PartialImageModel::load(modelPath).complete(images, observed, how);
}

}  // namespace ms::api
