#include "partial/MaskPriorFile.h"

#include <ATen/ATen.h>

#include "core/io/ArchiveFile.h"
#include "core/io/BundleError.h"
#include "partial/DenoiserJson.h"

namespace ms::partial {
namespace {
constexpr int kMaskPriorFormatVersion = 1;
constexpr const char* kWhat = "mask prior";

std::string inputName(BfnInput input) { return input == BfnInput::ScaledLogit ? "scaled-logit" : "theta"; }

BfnInput parseInput(const std::string& name) {
    if (name == "scaled-logit") return BfnInput::ScaledLogit;
    if (name == "theta") return BfnInput::Theta;
    throw std::invalid_argument("unknown network input '" + name + "'");
}

}  // namespace

void saveMaskPrior(const MaskPriorFile& f, const std::string& path) {
    if (!f.net) throw BundleError(path + ": no mask prior network to save");
    const nlohmann::json meta = {
        {"format", "maskstudio-maskprior"},
        {"format_version", kMaskPriorFormatVersion},
        {"created_with", std::string("maskstudio ") + MASKSTUDIO_VERSION},
        {"data_kind", f.dataKind},
        {"entries", f.entries},
        {"groups", f.groupOf},
        {"image", {f.image.channels, f.image.height, f.image.width}},
        {"bfn", {{"beta1", f.schedule.beta1}, {"input", inputName(f.schedule.input)}}},
        {"network", denoiserToJson(*f.net)},
        {"observed_rate", f.observedRate},
        {"schema", f.schema},
        {"training", f.training}};
    torch::serialize::OutputArchive archive;
    archive.write("meta", c10::IValue(meta.dump()));
    writeModuleTensors(archive, "weights/", *f.net);
    saveArchiveAtomically(archive, path, kWhat);
}

std::vector<double> observedRates(const at::Tensor& masks) {
    const at::Tensor rate = masks.to(at::kDouble).mean(0).cpu().contiguous();
    return {rate.data_ptr<double>(), rate.data_ptr<double>() + rate.numel()};
}

MaskPriorFile loadMaskPrior(const std::string& path) {
    torch::serialize::InputArchive archive;
    const nlohmann::json meta = loadArchiveMeta(archive, path, "maskstudio-maskprior", kMaskPriorFormatVersion, kWhat);
    MaskPriorFile f;
    try {
        f.dataKind = meta.at("data_kind").get<std::string>();
        f.entries = meta.at("entries").get<std::vector<std::string>>();
        f.groupOf = meta.at("groups").get<std::vector<int64_t>>();
        const std::vector<int64_t> image = meta.at("image").get<std::vector<int64_t>>();
        if (image.size() != 3) throw std::invalid_argument("image shape of " + std::to_string(image.size()) + " numbers");
        f.image = {image[0], image[1], image[2]};
        f.schedule.beta1 = meta.at("bfn").at("beta1").get<double>();
        f.schedule.input = parseInput(meta.at("bfn").at("input").get<std::string>());
        f.observedRate = meta.at("observed_rate").get<std::vector<double>>();
        f.schema = meta.value("schema", nlohmann::json());
        f.training = meta.value("training", nlohmann::json::object());
        f.net = denoiserFromJson(meta.at("network"));
    } catch (const std::exception& e) {
        throw BundleError(path + ": damaged " + std::string(kWhat) + " metadata (" + e.what() + ")");
    }
    const int64_t dims = f.net->dims();
    const bool images = f.dataKind == "images";
    if ((f.dataKind != "vectors" && !images) || static_cast<int64_t>(f.observedRate.size()) != dims ||
        (images ? f.image.entries() != dims
                : static_cast<int64_t>(f.entries.size()) != dims || groupCount(f.groupOf, dims) != dims))
        throw BundleError(path + ": the " + std::string(kWhat) + "'s entries, rates and network disagree");
    readModuleTensors(archive, "weights/", *f.net, path);
    f.net->eval();
    return f;
}

}  // namespace ms::partial
