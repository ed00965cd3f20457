#include "partial/PartialModelFile.h"

#include "core/io/ArchiveFile.h"
#include "core/io/BundleError.h"

namespace ms::partial {
namespace {
constexpr int kPartialFormatVersion = 1;
constexpr const char* kWhat = "partial-observation model";
}  // namespace

void savePartialModel(const PartialModelFile& f, const std::string& path) {
    const VectorDenoiserConfig& c = f.parts.net->config();
    const diffusion::NoiseSchedule& s = f.parts.schedule;
    const nlohmann::json meta = {
        {"format", "maskstudio-partial"},
        {"format_version", kPartialFormatVersion},
        {"created_with", std::string("maskstudio ") + MASKSTUDIO_VERSION},
        {"data_kind", f.dataKind},
        {"columns", f.columns},
        {"low", f.low},
        {"high", f.high},
        {"network", {{"dims", c.dims}, {"hidden", c.hidden}, {"blocks", c.blocks}, {"time_dim", c.timeDim},
                     {"class_counts", c.classCounts}, {"numerical", c.numericalCount}, {"condition_dim", c.conditionDim}}},
        {"schedule", {{"steps", s.steps}, {"beta_start", s.betaStart}, {"beta_end", s.betaEnd}}},
        {"context", {{"delta", f.parts.context.delta}, {"groups", f.parts.context.groupOf}}},
        {"masks", {{"groups", f.parts.masks.groupOf}, {"rates", f.parts.masks.groupRate}}},
        {"schema", f.schema},
        {"training", f.training}};
    torch::serialize::OutputArchive archive;
    archive.write("meta", c10::IValue(meta.dump()));
    writeModuleTensors(archive, "weights/", *f.parts.net);
    saveArchiveAtomically(archive, path, kWhat);
}

PartialModelFile loadPartialModel(const std::string& path, const std::string& expectedKind) {
    torch::serialize::InputArchive archive;
    const nlohmann::json meta = loadArchiveMeta(archive, path, "maskstudio-partial", kPartialFormatVersion, kWhat);
    PartialModelFile f;
    VectorDenoiserConfig c;
    try {
        f.dataKind = meta.at("data_kind").get<std::string>();
        f.columns = meta.at("columns").get<std::vector<std::string>>();
        f.low = meta.at("low").get<std::vector<double>>();
        f.high = meta.at("high").get<std::vector<double>>();
        const auto& n = meta.at("network");
        c.dims = n.at("dims").get<int64_t>();
        c.hidden = n.at("hidden").get<int64_t>();
        c.blocks = n.at("blocks").get<int64_t>();
        c.timeDim = n.at("time_dim").get<int64_t>();
        c.classCounts = n.at("class_counts").get<std::vector<int64_t>>();
        c.numericalCount = n.at("numerical").get<int64_t>();
        c.conditionDim = n.at("condition_dim").get<int64_t>();
        const auto& s = meta.at("schedule");
        f.parts.schedule = diffusion::NoiseSchedule::linear(s.at("steps").get<int64_t>(), s.at("beta_start").get<double>(),
                                                            s.at("beta_end").get<double>());
        f.parts.context.delta = meta.at("context").at("delta").get<double>();
        f.parts.context.groupOf = meta.at("context").at("groups").get<std::vector<int64_t>>();
        f.parts.masks.groupOf = meta.at("masks").at("groups").get<std::vector<int64_t>>();
        f.parts.masks.groupRate = meta.at("masks").at("rates").get<std::vector<double>>();
        f.schema = meta.value("schema", nlohmann::json());
        f.training = meta.value("training", nlohmann::json::object());
    } catch (const std::exception& e) {
        throw BundleError(path + ": damaged " + kWhat + " metadata (" + e.what() + ")");
    }
    if (!expectedKind.empty() && f.dataKind != expectedKind)
        throw BundleError(path + ": a " + kWhat + " for " + f.dataKind + ", not for " + expectedKind);
    const auto dims = static_cast<std::size_t>(c.dims);
    if (f.columns.size() != dims || f.low.size() != dims || f.high.size() != dims ||
        (!f.parts.context.groupOf.empty() && f.parts.context.groupOf.size() != dims) ||
        (!f.parts.masks.groupOf.empty() && f.parts.masks.groupOf.size() != dims) ||
        static_cast<int64_t>(f.parts.masks.groupRate.size()) != groupCount(f.parts.masks.groupOf, c.dims))
        throw BundleError(path + ": the " + std::string(kWhat) + "'s columns, scaling, masks and network disagree");
    try {
        f.parts.net = VectorDenoiser(c);
    } catch (const std::invalid_argument& e) {
        throw BundleError(path + ": " + e.what());
    }
    readModuleTensors(archive, "weights/", *f.parts.net, path);
    f.parts.net->eval();
    return f;
}

}  // namespace ms::partial
