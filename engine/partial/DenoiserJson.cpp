#include "partial/DenoiserJson.h"

#include "partial/ImageDenoiser.h"
#include "partial/VectorDenoiser.h"

namespace ms::partial {

nlohmann::json denoiserToJson(const PartialDenoiser& net) {
    if (const auto* v = dynamic_cast<const VectorDenoiserImpl*>(&net)) {
        const VectorDenoiserConfig& c = v->config();
        return {{"kind", "mlp"}, {"dims", c.dims}, {"hidden", c.hidden}, {"blocks", c.blocks}, {"time_dim", c.timeDim},
                {"class_counts", c.classCounts}, {"numerical", c.numericalCount}, {"condition_dim", c.conditionDim}};
    }
    if (const auto* im = dynamic_cast<const ImageDenoiserImpl*>(&net)) {
        const ImageDenoiserConfig& c = im->config();
        return {{"kind", "unet"}, {"channels", c.channels}, {"height", c.height}, {"width", c.width},
                {"base_channels", c.baseChannels}, {"channel_mult", c.channelMult}, {"res_blocks", c.resBlocks},
                {"class_counts", c.classCounts}, {"numerical", c.numericalCount}};
    }
    throw std::logic_error("denoiserToJson: a network of an unknown kind");
}

std::shared_ptr<PartialDenoiser> denoiserFromJson(const nlohmann::json& n) {
    if (n.value("kind", std::string("mlp")) == "unet") {
        ImageDenoiserConfig c;
        c.channels = n.at("channels").get<int64_t>();
        c.height = n.at("height").get<int64_t>();
        c.width = n.at("width").get<int64_t>();
        c.baseChannels = n.at("base_channels").get<int64_t>();
        c.channelMult = n.at("channel_mult").get<std::vector<int64_t>>();
        c.resBlocks = n.at("res_blocks").get<int64_t>();
        c.classCounts = n.at("class_counts").get<std::vector<int64_t>>();
        c.numericalCount = n.at("numerical").get<int64_t>();
        return ImageDenoiser(c).ptr();
    }
    VectorDenoiserConfig c;
    c.dims = n.at("dims").get<int64_t>();
    c.hidden = n.at("hidden").get<int64_t>();
    c.blocks = n.at("blocks").get<int64_t>();
    c.timeDim = n.at("time_dim").get<int64_t>();
    c.classCounts = n.at("class_counts").get<std::vector<int64_t>>();
    c.numericalCount = n.at("numerical").get<int64_t>();
    c.conditionDim = n.at("condition_dim").get<int64_t>();
    return VectorDenoiser(c).ptr();
}

}  // namespace ms::partial
