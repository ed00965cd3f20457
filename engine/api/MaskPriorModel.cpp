#include "api/MaskPriorModel.h"
#include "api/TableGaps.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <memory>
#include <set>
#include <stdexcept>

#include "core/data/CsvReader.h"
#include "core/data/SchemaInference.h"
#include "core/data/SchemaJson.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "distributed/GlooGroup.h"
#include "mcvae/Preset.h"
#include "partial/MaskPriorFile.h"
#include "partial/MaskPriorPool.h"

namespace ms::api {
namespace {

constexpr int64_t kScoreDraws = 16;

at::Tensor imageMasks(const std::vector<uint8_t>& observed, int64_t count, int64_t height, int64_t width) {
    if (count < 1 || height < 1 || width < 1 || static_cast<int64_t>(observed.size()) != count * height * width)
        throw std::invalid_argument("mask prior: " + std::to_string(observed.size()) + " mask pixels for " + std::to_string(count) +
                                    " masks of " + std::to_string(height) + " x " + std::to_string(width));
    at::Tensor masks = at::empty({count, height * width}, at::kFloat);
    float* out = masks.data_ptr<float>();
    for (std::size_t i = 0; i < observed.size(); ++i) out[i] = observed[i] ? 1.0f : 0.0f;
    return masks;
}

std::vector<double> toVector(const at::Tensor& t) {
    const at::Tensor c = t.to(at::kDouble).cpu().contiguous();
    return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

at::Tensor bernoulliBits(const at::Tensor& masks, const std::vector<double>& rate) {
    const at::Tensor p = at::tensor(rate, at::kDouble).to(at::kFloat).clamp(1e-3, 1.0 - 1e-3);
    return -(masks * p.log2() + (1.0 - masks) * (1.0 - p).log2()).mean(1);
}

int64_t distinctRows(const at::Tensor& masks) {
    const at::Tensor bytes = (masks > 0.5).to(at::kByte).contiguous().cpu();
    std::set<std::string> seen;
    const auto width = static_cast<std::size_t>(bytes.size(1));
    for (int64_t r = 0; r < bytes.size(0); ++r)
        seen.emplace(reinterpret_cast<const char*>(bytes[r].data_ptr<uint8_t>()), width);
    return static_cast<int64_t>(seen.size());
}

// Trains file.net on masks ([N, entries] 0/1, CPU) and writes the file.
MaskPriorTrainResult trainAndSave(partial::MaskPriorFile& file, const at::Tensor& masks, int64_t defaultUpdates,
                                  double defaultWeightAverage, const MaskPriorTrainRequest& request, const EpochLossFn& onEpoch,
                                  const CancelToken& cancel) {
    const Stopwatch clock;
    if (request.outPath.empty()) throw std::invalid_argument("mask prior: no file to write (--out)");
    const std::unique_ptr<distributed::GlooGroup> ranks = distributed::joinRanks(request.distributed);  // several ranks: joined once the data has read
    const c10::Device device = resolveDevice("auto", request.distributed.localRank);
    file.net->to(device);
    partial::MaskPriorTraining training;
    training.group = ranks.get();
    training.updates = request.updates > 0 ? request.updates : defaultUpdates;
    training.weightAverage = request.weightAverage >= 0.0 ? request.weightAverage : defaultWeightAverage;
    training.batchSize = request.batchSize;
    training.lr = request.lr;
    training.seed = request.seed;
    const std::vector<double> losses = partial::trainMaskPrior(*file.net, masks.to(device), file.schedule, training, onEpoch, cancel);
    if (cancel.cancelled()) throw std::runtime_error("mask prior training cancelled; " + request.outPath + " was not written");
    MaskPriorTrainResult r;
    r.rows = masks.size(0);
    r.entries = masks.size(1);
    r.distinctMasks = distinctRows(masks);
    r.observedFraction = masks.mean().item<double>();
    r.updates = training.updates;
    r.finalLoss = losses.empty() ? 0.0 : losses.back();
    file.observedRate = partial::observedRates(masks);
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(request.seed + 7);
    r.bitsPerEntry = partial::maskBitsPerEntry(*file.net, masks.to(device), file.schedule, kScoreDraws, generator).mean().item<double>();
    r.bernoulliBitsPerEntry = bernoulliBits(masks, file.observedRate).mean().item<double>();
    file.net->to(at::kCPU);
    file.training = {{"data", request.dataPath}, {"rows", r.rows}, {"distinct_masks", r.distinctMasks},
                     {"observed_fraction", r.observedFraction}, {"updates", r.updates}, {"batch", training.batchSize},
                     {"lr", training.lr}, {"seed", request.seed}, {"final_loss", r.finalLoss},
                     {"bits_per_entry", r.bitsPerEntry}, {"bernoulli_bits_per_entry", r.bernoulliBitsPerEntry}};
    if (!ranks || ranks->rank() == 0) partial::saveMaskPrior(file, request.outPath);
    r.seconds = clock.seconds();
    return r;
}

MaskPriorScore score(const partial::MaskPriorFile& file, const at::Tensor& masks, int64_t draws, uint64_t seed) {
    if (masks.size(0) < 1) throw std::invalid_argument("mask prior score: no masks");
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    MaskPriorScore s;
    s.rows = masks.size(0);
    const at::Tensor bits = partial::maskBitsPerEntry(*file.net, masks, file.schedule, draws, generator);
    s.rowBits = toVector(bits);
    s.bitsPerEntry = bits.mean().item<double>();
    s.bernoulliBitsPerEntry = bernoulliBits(masks, file.observedRate).mean().item<double>();
    return s;
}

}  // namespace

MaskPriorTrainResult trainMaskPriorOnCsv(const MaskPriorTrainRequest& request, const EpochLossFn& onEpoch, const CancelToken& cancel) {
    const CsvTable csv = readCsvFile(request.dataPath);
    const Schema schema =
        request.schemaPath.empty() ? inferSchema(csv, mcvae::loadPreset(request.preset).columns) : loadSchemaFile(request.schemaPath);
    if (schema.keypoints.empty())
        throw std::invalid_argument(request.dataPath + ": no keypoint columns (NAME_x / NAME_y or x_NAME / y_NAME) whose gaps to learn");
    const TableGaps data = tableGaps(csv, schema);
    if (data.masks.size(0) == 0) throw std::runtime_error(request.dataPath + ": no row has a keypoint value");
    partial::MaskPriorFile file;
    file.dataKind = "vectors";
    file.entries = gapEntryNames(schema);
    file.groupOf = gapGroups(schema);
    file.schema = schemaToJson(schema);
    partial::MaskPriorPoolSettings network;
    network.hidden = request.hidden;
    network.training.seed = request.seed;
    file.net = partial::makeMaskPriorNetwork(data.masks.size(1), network);
    MaskPriorTrainResult r = trainAndSave(file, data.masks, kTableMaskPriorUpdates, 0.0, request, onEpoch, cancel);
    r.skippedLines = data.skippedLines;
    return r;
}

MaskPriorTrainResult trainMaskPriorOnImageMasks(const std::vector<uint8_t>& observed, int64_t count, int64_t height, int64_t width,
                                                const MaskPriorTrainRequest& request, const EpochLossFn& onEpoch,
                                                const CancelToken& cancel) {
    const at::Tensor masks = imageMasks(observed, count, height, width);
    if (height % 4 != 0 || width % 4 != 0)
        throw std::invalid_argument("mask prior: images of " + std::to_string(height) + " x " + std::to_string(width) +
                                    " pixels; the prior's U-Net halves them twice (a multiple of 4)");
    if (request.baseChannels % 8 != 0) throw std::invalid_argument("mask prior: the U-Net's width must be a multiple of 8");
    partial::MaskPriorFile file;
    file.dataKind = "images";
    file.image = {1, height, width};
    partial::MaskPriorPoolSettings network;
    network.image = file.image;
    network.baseChannels = request.baseChannels;
    network.training.seed = request.seed;
    file.net = partial::makeMaskPriorNetwork(masks.size(1), network);
    return trainAndSave(file, masks, partial::kImagePriorUpdates, partial::kImagePriorWeightAverage, request, onEpoch, cancel);
}

MaskPriorDraws sampleMaskPrior(const std::string& modelPath, const MaskPriorSampling& sampling) {
    if (sampling.count < 1) throw std::invalid_argument("mask prior: count must be at least 1");
    if (sampling.sampler != "discrete" && sampling.sampler != "ode")
        throw std::invalid_argument("mask prior: sampler must be discrete or ode, not '" + sampling.sampler + "'");
    const Stopwatch clock;
    const partial::MaskPriorFile file = partial::loadMaskPrior(modelPath);
    partial::MaskSampling how;
    how.kind = sampling.sampler == "ode" ? partial::MaskSamplerKind::FlowOde : partial::MaskSamplerKind::Discrete;
    how.steps = sampling.steps;
    how.timePower = sampling.timePower;
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(sampling.seed);
    const at::Tensor drawn = partial::sampleMasks(*file.net, sampling.count, file.schedule, how, generator);
    MaskPriorDraws d;
    d.dataKind = file.dataKind;
    d.entries = file.entries;
    d.height = file.image.height;
    d.width = file.image.width;
    d.rows = drawn.size(0);
    d.masks = maskBytes(drawn);
    d.dataRate = file.observedRate;
    d.drawnRate = toVector(drawn.mean(0));
    d.seconds = clock.seconds();
    return d;
}

MaskPriorScore scoreCsvMasks(const std::string& modelPath, const std::string& dataPath, int64_t draws, uint64_t seed) {
    const partial::MaskPriorFile file = partial::loadMaskPrior(modelPath);
    if (file.dataKind != "vectors") throw std::invalid_argument(modelPath + ": a mask prior of images, not of a table");
    const Schema schema = schemaFromJson(file.schema, modelPath);
    const TableGaps data = tableGaps(readCsvFile(dataPath), schema);
    MaskPriorScore s = score(file, data.masks, draws, seed);
    s.lines = data.lines;
    return s;
}

MaskPriorScore scoreImageMasks(const std::string& modelPath, const std::vector<uint8_t>& observed, int64_t count, int64_t height,
                               int64_t width, int64_t draws, uint64_t seed) {
    const partial::MaskPriorFile file = partial::loadMaskPrior(modelPath);
    if (file.dataKind != "images") throw std::invalid_argument(modelPath + ": a mask prior of a table, not of images");
    if (height != file.image.height || width != file.image.width)
        throw std::invalid_argument(modelPath + ": a mask prior of " + std::to_string(file.image.height) + " x " +
                                    std::to_string(file.image.width) + " images, these are " + std::to_string(height) + " x " +
                                    std::to_string(width));
    return score(file, imageMasks(observed, count, height, width), draws, seed);
}

}  // namespace ms::api
