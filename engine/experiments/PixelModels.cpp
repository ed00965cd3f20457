#include "experiments/PixelModels.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <random>
#include <stdexcept>

#include "baselines/MiwaeTrainer.h"
#include "core/io/ArchiveFile.h"
#include "core/io/BundleError.h"
#include "core/runtime/TorchRuntime.h"
#include "diffusion/McLdmTrainer.h"
#include "diffusion/NoiseSchedule.h"
#include "sfarm/SfarmInference.h"
#include "sfarm/SfarmTrainer.h"

namespace ms::experiments {
namespace {

constexpr int kPixelFormatVersion = 1;
constexpr int64_t kImputeChunk = 25;  // images per MIWAE / RePaint pass (bounds the memory)

diffusion::McUnetConfig ddpmConfig(int64_t baseChannels, int64_t resBlocks) {
    diffusion::McUnetConfig c;
    c.inChannels = 1;
    c.baseChannels = baseChannels;
    c.channelMult = {1, 2, 2};
    c.resBlocks = resBlocks;
    c.attentionFromLevel = 2;
    c.heads = 4;
    return c;  // no condition: an unconditional DDPM
}

ConditionInput noConditions(int64_t rows) {
    return {at::zeros({rows, 0}, at::kLong), at::zeros({rows, 0}), at::zeros({rows, 0})};
}

sfarm::SfarmUnetConfig sfarmConfig(int64_t h, int64_t w, int64_t baseChannels, int64_t resBlocks) {
    sfarm::SfarmUnetConfig c;
    c.height = h;
    c.width = w;
    c.baseChannels = baseChannels;
    c.resBlocks = resBlocks;
    return c;
}

torch::nn::Module& networkOf(const PixelModel& m) {
    switch (m.method) {
        case PixelMethod::Sfarm: return *m.sfarm.ptr();
        case PixelMethod::Miwae: return *m.miwae.ptr();
        case PixelMethod::Ddpm: return *m.ddpm.ptr();
    }
    throw std::logic_error("unknown pixel method");
}

void buildNetwork(PixelModel& m, int64_t baseChannels, int64_t resBlocks, int64_t hidden, int64_t latent) {
    switch (m.method) {
        case PixelMethod::Sfarm: m.sfarm = sfarm::SfarmUnet(sfarmConfig(m.height, m.width, baseChannels, resBlocks)); break;
        case PixelMethod::Miwae: m.miwae = baselines::Miwae(baselines::MiwaeConfig{m.height * m.width, latent, hidden}); break;
        case PixelMethod::Ddpm: m.ddpm = diffusion::McUnet(ddpmConfig(baseChannels, resBlocks)); break;
    }
}

}  // namespace

const char* pixelMethodName(PixelMethod method) {
    switch (method) {
        case PixelMethod::Sfarm: return "sfarm";
        case PixelMethod::Miwae: return "miwae";
        case PixelMethod::Ddpm: return "ddpm";
    }
    return "?";
}

PixelMethod parsePixelMethod(const std::string& name) {
    for (PixelMethod m : {PixelMethod::Sfarm, PixelMethod::Miwae, PixelMethod::Ddpm})
        if (name == pixelMethodName(m)) return m;
    throw std::invalid_argument("unknown method '" + name + "' (sfarm, miwae, ddpm)");
}

at::Tensor greyLevels(const at::Tensor& images) {
    const at::Tensor flat = images.reshape({images.size(0), -1});
    return images.scalar_type() == at::kByte ? flat.to(at::kFloat) / 255.0 : flat.to(at::kFloat);
}

PixelModel trainPixelModel(const at::Tensor& images, const PixelTrainSettings& s, const EpochLossFn& onEpoch,
                           const CancelToken& cancel, const at::Tensor& observed) {
    if (images.dim() != 3 || images.size(0) < 1) throw std::invalid_argument("pixel model: images must be [N, H, W]");
    if (observed.defined() && s.method != PixelMethod::Miwae)
        throw std::invalid_argument("pixel model: only MIWAE trains on incomplete images (zero-fill them for a DDPM)");
    PixelModel m;
    m.method = s.method;
    m.height = images.size(1);
    m.width = images.size(2);
    seedParameterInitialisation(s.seed);
    buildNetwork(m, s.baseChannels, s.resBlocks, s.miwaeHidden, s.miwaeLatent);
    const at::Tensor x = greyLevels(images);
    const int64_t N = x.size(0);
    std::vector<double> losses;
    auto record = [&](int64_t epoch, double loss) {
        losses.push_back(loss);
        if (onEpoch) onEpoch(epoch, loss);
    };
    switch (s.method) {
        case PixelMethod::Sfarm: {
            sfarm::SfarmTrainingConfig c;
            c.epochs = s.epochs;
            c.batchSize = s.batchSize;
            c.lr = s.lr;
            c.weightDecay = 0.0;
            c.seed = s.seed;
            c.group = s.group;
            c.modes.clear();
            for (int k = 0; k < sfarm::kMaskingModeCount; ++k) c.modes.push_back(static_cast<sfarm::MaskingMode>(k));
            sfarm::trainSfarm(*m.sfarm, sfarm::ElementGrid{m.height, m.width}, x, at::ones(x.sizes(), at::kBool), c,
                       [&](const sfarm::SfarmEpoch& e) { record(e.epoch, e.loss); }, cancel);
            break;
        }
        case PixelMethod::Miwae: {
            baselines::MiwaeTrainingConfig c;
            c.epochs = s.epochs;
            c.batchSize = s.batchSize;
            c.lr = s.lr;
            c.importanceSamples = s.importanceSamples;
            c.seed = s.seed;
            c.group = s.group;
            const at::Tensor seen = observed.defined() ? observed.to(at::kBool) : at::ones(x.sizes(), at::kBool);
            record(s.epochs, -baselines::trainMiwae(m.miwae, x, seen, c, cancel));
            break;
        }
        case PixelMethod::Ddpm: {
            const c10::Device device = resolveDevice(s.device);
            m.ddpm->to(device);
            diffusion::LdmTrainSettings c;
            c.epochs = s.epochs;
            c.batchSize = s.batchSize;
            c.lr = s.lr;
            c.group = s.group;
            at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(s.seed);
            diffusion::trainMcLdm(m.ddpm, (x * 2.0 - 1.0).view({N, 1, m.height, m.width}).to(device), noConditions(N).to(device),
                                  diffusion::NoiseSchedule::linear(),
                       c, gen, record, cancel);
            break;
        }
    }
    networkOf(m).eval();
    m.training = {{"method", pixelMethodName(s.method)}, {"images", N},          {"epochs", s.epochs},
                  {"batch_size", s.batchSize},         {"lr", s.lr},            {"seed", s.seed},
                  {"base_channels", s.baseChannels},   {"res_blocks", s.resBlocks}, {"miwae_hidden", s.miwaeHidden},
                  {"miwae_latent", s.miwaeLatent},     {"losses", losses},      {"cancelled", cancel.cancelled()}};
    return m;
}

void savePixelModel(const PixelModel& m, const std::string& path) {
    const nlohmann::json meta = {{"format", "maskstudio-pixel-model"},
                                 {"format_version", kPixelFormatVersion},
                                 {"created_with", std::string("maskstudio ") + MASKSTUDIO_VERSION},
                                 {"method", pixelMethodName(m.method)},
                                 {"height", m.height},
                                 {"width", m.width},
                                 {"training", m.training}};
    torch::serialize::OutputArchive archive;
    archive.write("meta", c10::IValue(meta.dump()));
    writeModuleTensors(archive, "weights/", networkOf(m));
    saveArchiveAtomically(archive, path, "pixel model");
}

PixelModel loadPixelModel(const std::string& path) {
    torch::serialize::InputArchive archive;
    const nlohmann::json meta = loadArchiveMeta(archive, path, "maskstudio-pixel-model", kPixelFormatVersion, "pixel model");
    PixelModel m;
    try {
        m.method = parsePixelMethod(meta.at("method").get<std::string>());
        m.height = meta.at("height").get<int64_t>();
        m.width = meta.at("width").get<int64_t>();
        m.training = meta.value("training", nlohmann::json::object());
        buildNetwork(m, m.training.value("base_channels", int64_t{32}), m.training.value("res_blocks", int64_t{2}),
                     m.training.value("miwae_hidden", int64_t{256}), m.training.value("miwae_latent", int64_t{32}));
    } catch (const std::exception& e) {
        throw BundleError(path + ": damaged pixel model metadata (" + e.what() + ")");
    }
    readModuleTensors(archive, "weights/", networkOf(m), path);
    networkOf(m).eval();
    return m;
}

at::Tensor imputePixels(const PixelModel& m, const at::Tensor& images, const at::Tensor& observed,
                        const PixelImputeSettings& s) {
    const int64_t N = images.size(0), S = m.height * m.width;
    if (images.dim() != 2 || images.size(1) != S || !observed.sizes().equals(images.sizes()))
        throw std::invalid_argument("pixel imputation: images and observed must be [N, " + std::to_string(S) + "]");
    c10::InferenceMode guard;
    const at::Tensor keep = observed.to(at::kBool);
    at::Tensor filled;
    if (m.method == PixelMethod::Sfarm) {
        std::mt19937_64 rng(s.seed);
        sfarm::ImputeSettings is;
        is.steps = s.sfarmSteps;
        filled = sfarm::sfarmImpute(*m.sfarm, sfarm::ElementGrid{m.height, m.width}, images, keep, is, rng);
    } else {
        at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(s.seed);
        const diffusion::NoiseSchedule schedule = diffusion::NoiseSchedule::linear();
        std::vector<at::Tensor> parts;
        for (int64_t from = 0; from < N; from += kImputeChunk) {
            const int64_t n = std::min(kImputeChunk, N - from);
            const at::Tensor x = images.narrow(0, from, n), o = keep.narrow(0, from, n);
            if (m.method == PixelMethod::Miwae) {
                parts.push_back(s.miwaeMean ? m.miwae->impute(x, o, s.miwaeProposals, gen)
                                            : m.miwae->conditionalSamples(x, o, s.miwaeProposals, 1, gen)[0]);
            } else {
                const c10::Device device = m.ddpm->parameters().front().device();
                const ConditionInput none = noConditions(n).to(device);
                const diffusion::NoiseModel eps = [&](const at::Tensor& xt, const at::Tensor& t) {
                    return m.ddpm.ptr()->forward(xt, t.to(device), none);
                };
                const at::Tensor known = (x * 2.0 - 1.0).view({n, 1, m.height, m.width}).to(device);
                const at::Tensor mask = o.to(at::kFloat).view({n, 1, m.height, m.width}).to(device);
                const diffusion::SampleResult r = diffusion::repaint(eps, schedule, known, mask, s.repaint, gen);
                parts.push_back(((r.x.reshape({n, S}).cpu() + 1.0) * 0.5));
            }
        }
        filled = at::cat(parts, 0);
    }
    return at::where(keep, images, filled.clamp(0.0, 1.0));
}

}  // namespace ms::experiments
