#include "partial/PartialModelFile.h"

#include <ATen/ATen.h>

#include "core/io/ArchiveFile.h"
#include "core/io/BundleError.h"
#include "partial/DenoiserJson.h"

namespace ms::partial {
namespace {
constexpr int kPartialFormatVersion = 1;
constexpr const char* kWhat = "partial-observation model";

}  // namespace

void savePartialModel(const PartialModelFile& f, const std::string& path) {
    const diffusion::NoiseSchedule& s = f.parts.schedule;
    const ContextSettings& ctx = f.parts.context;
    const nlohmann::json meta = {
        {"format", "maskstudio-partial"},
        {"format_version", kPartialFormatVersion},
        {"created_with", std::string("maskstudio ") + MASKSTUDIO_VERSION},
        {"data_kind", f.dataKind},
        {"columns", f.columns},
        {"low", f.low},
        {"high", f.high},
        {"network", denoiserToJson(*f.parts.net)},
        {"schedule", {{"steps", s.steps}, {"beta_start", s.betaStart}, {"beta_end", s.betaEnd}}},
        {"context", {{"delta", ctx.delta}, {"groups", ctx.groupOf}, {"block_side", ctx.blockSide}, {"block_share", ctx.blockShare},
                     {"image", {ctx.image.channels, ctx.image.height, ctx.image.width}},
                     {"prior_pool", ctx.priorPool.defined() ? ctx.priorPool.size(0) : int64_t{0}}}},
        {"masks", {{"groups", f.parts.masks.groupOf}, {"rates", f.parts.masks.groupRate}}},
        {"schema", f.schema},
        {"training", f.training}};
    torch::serialize::OutputArchive archive;
    archive.write("meta", c10::IValue(meta.dump()));
    writeModuleTensors(archive, "weights/", *f.parts.net);
    if (ctx.priorPool.defined()) archive.write("context/prior_pool", (ctx.priorPool > 0.5).to(at::kByte).cpu());  // 0/1 bytes
    saveArchiveAtomically(archive, path, kWhat);
}

PartialModelFile loadPartialModel(const std::string& path, const std::string& expectedKind) {
    torch::serialize::InputArchive archive;
    const nlohmann::json meta = loadArchiveMeta(archive, path, "maskstudio-partial", kPartialFormatVersion, kWhat);
    PartialModelFile f;
    nlohmann::json network;
    int64_t poolRows = 0;  // Work II contexts: draws of a learnt mask prior stored with the model
    try {
        f.dataKind = meta.at("data_kind").get<std::string>();
        f.columns = meta.at("columns").get<std::vector<std::string>>();
        f.low = meta.at("low").get<std::vector<double>>();
        f.high = meta.at("high").get<std::vector<double>>();
        network = meta.at("network");
        const auto& s = meta.at("schedule");
        f.parts.schedule = diffusion::NoiseSchedule::linear(s.at("steps").get<int64_t>(), s.at("beta_start").get<double>(),
                                                            s.at("beta_end").get<double>());
        const auto& ctx = meta.at("context");
        f.parts.context.delta = ctx.at("delta").get<double>();
        f.parts.context.groupOf = ctx.at("groups").get<std::vector<int64_t>>();
        f.parts.context.blockSide = ctx.value("block_side", int64_t{0});
        f.parts.context.blockShare = ctx.value("block_share", 0.0);
        poolRows = ctx.value("prior_pool", int64_t{0});
        const std::vector<int64_t> image = ctx.value("image", std::vector<int64_t>{1, 0, 0});
        if (image.size() == 3) f.parts.context.image = {image[0], image[1], image[2]};
        f.parts.masks.groupOf = meta.at("masks").at("groups").get<std::vector<int64_t>>();
        f.parts.masks.groupRate = meta.at("masks").at("rates").get<std::vector<double>>();
        f.schema = meta.value("schema", nlohmann::json());
        f.training = meta.value("training", nlohmann::json::object());
    } catch (const std::exception& e) {
        throw BundleError(path + ": damaged " + kWhat + " metadata (" + e.what() + ")");
    }
    if (!expectedKind.empty() && f.dataKind != expectedKind)
        throw BundleError(path + ": a " + kWhat + " for " + f.dataKind + ", not for " + expectedKind);
    try {
        f.parts.net = denoiserFromJson(network);
        if (poolRows > 0) {
            at::Tensor pool;
            archive.read("context/prior_pool", pool);
            requireInsideStorage(pool, path, "context/prior_pool");
            if (pool.dim() != 2 || pool.size(0) != poolRows) throw std::runtime_error("the mask prior's draws are damaged");
            f.parts.context.priorPool = pool.to(at::kFloat);
        }
        checkContextSettings(f.parts.context, f.parts.net->dims());
    } catch (const std::exception& e) {
        throw BundleError(path + ": damaged " + kWhat + " (" + e.what() + ")");
    }
    const int64_t dims = f.parts.net->dims();
    const auto entries = static_cast<std::size_t>(dims);
    const bool scaled = f.dataKind == "vectors";  // images are grey levels in [0, 1]: no per-entry scaling
    if ((scaled && (f.columns.size() != entries || f.low.size() != entries || f.high.size() != entries)) ||
        (!f.parts.masks.groupOf.empty() && f.parts.masks.groupOf.size() != entries) ||
        static_cast<int64_t>(f.parts.masks.groupRate.size()) != groupCount(f.parts.masks.groupOf, dims))
        throw BundleError(path + ": the " + std::string(kWhat) + "'s columns, scaling, masks and network disagree");
    readModuleTensors(archive, "weights/", *f.parts.net, path);
    f.parts.net->eval();
    return f;
}

}  // namespace ms::partial
