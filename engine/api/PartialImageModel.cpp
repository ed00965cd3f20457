#include "api/PartialImageModel.h"

#include <ATen/ATen.h>

#include <stdexcept>

#include "api/EnsembleSettingsOf.h"
#include "api/ImageData.h"
#include "api/PartialPixels.h"
#include "api/PartialScaling.h"
#include "core/conditioning/ConditionTensor.h"
#include "core/data/DesignTensors.h"
#include "core/data/SchemaJson.h"
#include "core/io/BundleError.h"
#include "core/runtime/TorchRuntime.h"
#include "partial/EnsembleInference.h"
#include "partial/ImageDenoiser.h"
#include "partial/PartialModelFile.h"

namespace ms::api {

struct PartialImageModel::Impl {
    partial::PartialModelFile file;
    partial::ImageDenoiserConfig config;
    Schema schema;
    Normalization normalization;
    std::string path;
    c10::Device device = c10::kCPU;

    at::Tensor complete(const PartialPixels& px, const ConditionInput* conditions, const PartialCompletion& how) const {
        const partial::EnsembleSettings ensemble = ensembleSettingsOf(how);
        ConditionInput here;
        if (conditions) here = conditions->to(device);
        return partial::ensembleComplete(file.parts, px.u.to(device), px.observed.to(device), conditions ? &here : nullptr,
                                         ensemble);
    }
};

PartialImageModel::PartialImageModel() = default;
PartialImageModel::~PartialImageModel() = default;
PartialImageModel::PartialImageModel(PartialImageModel&&) noexcept = default;
PartialImageModel& PartialImageModel::operator=(PartialImageModel&&) noexcept = default;

PartialImageModel PartialImageModel::load(const std::string& path, const std::string& device) {
    auto impl = std::make_unique<Impl>();
    impl->file = partial::loadPartialModel(path, "images");
    const auto* net = dynamic_cast<const partial::ImageDenoiserImpl*>(impl->file.parts.net.get());
    if (!net) throw BundleError(path + ": an image model without its U-Net");
    impl->config = net->config();
    impl->schema = schemaFromJson(impl->file.schema, path);
    impl->normalization = partialModelNormalization(impl->schema, {}, {});
    impl->path = path;
    impl->device = resolveDevice(device);
    impl->file.parts.net->to(impl->device);
    PartialImageModel model;
    model.m = std::move(impl);
    return model;
}

bool PartialImageModel::loaded() const { return m != nullptr; }

const Schema& PartialImageModel::schema() const {
    if (!m) throw std::logic_error("no partial image model loaded");
    return m->schema;
}

int64_t PartialImageModel::imageSize() const { return m ? m->config.height : 0; }
int64_t PartialImageModel::imageChannels() const { return m ? m->config.channels : 0; }

std::string PartialImageModel::describe() const {
    if (!m) return "no image model";
    int64_t params = 0;
    for (const auto& p : m->file.parts.net->parameters()) params += p.numel();
    const nlohmann::json& t = m->file.training;
    std::string s = m->path + ": " + std::to_string(m->config.height) + " px, " + std::to_string(m->config.channels) +
                    " channel(s); learned from incomplete images";
    if (t.contains("rows"))
        s += " (" + std::to_string(t.value("rows_with_gaps", int64_t{0})) + " of " + std::to_string(t.value("rows", int64_t{0})) +
             " with hidden pixels, contexts: " + t.value("context", std::string("?")) + ")";
    s += "; U-Net " + std::to_string(params / 1000) + "k parameters; " + std::to_string(m->schema.conditionCount()) + " conditions";
    return s;
}

std::vector<uint8_t> PartialImageModel::complete(const std::vector<uint8_t>& pixels, const std::vector<uint8_t>& observed,
                                                 int64_t count, const ConditionValues& conditions,
                                                 const PartialCompletion& how) const {
    if (!m) throw std::logic_error("no partial image model loaded");
    const PartialPixels px = partialPixels(pixels, observed, count, m->config.channels, m->config.height);
    const bool hasConditions = m->schema.conditionCount() > 0;
    ConditionInput input;
    if (hasConditions) input = conditionInputFor(m->schema, m->normalization, conditions, count);
    return completedPixels(pixels, px, m->complete(px, hasConditions ? &input : nullptr, how));
}

std::vector<uint8_t> PartialImageModel::complete(const ImageSet& images, const std::vector<uint8_t>& observed,
                                                 const PartialCompletion& how) const {
    if (!m) throw std::logic_error("no partial image model loaded");
    const partial::ImageDenoiserConfig& c = m->config;
    if (c.height != images.size || c.channels != images.channels)
        throw BundleError(m->path + ": a model of " + std::to_string(c.height) + " x " + std::to_string(c.width) + " images with " +
                          std::to_string(c.channels) + " channel(s); these are " + std::to_string(images.size) + " x " +
                          std::to_string(images.size) + " with " + std::to_string(images.channels));
    const PartialPixels px = partialPixels(images.pixels, observed, images.count(), images.channels, images.size);
    const bool hasConditions = m->schema.conditionCount() > 0;
    ConditionInput input;
    if (hasConditions)
        input = makeDesignTensors(imageConditionsWithSchema(images, m->schema, m->normalization).table, m->normalization).conditions;
    return completedPixels(images.pixels, px, m->complete(px, hasConditions ? &input : nullptr, how));
}

}  // namespace ms::api
