#include "api/RenderFrame.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace ms::api {

nlohmann::json toJson(const ImageRenderFrame& frame) {
    return {{"min_x", frame.minX}, {"min_y", frame.minY}, {"size", frame.size}};
}

ImageRenderFrame renderFrameFromJson(const nlohmann::json& j) {
    if (!j.is_object()) return {};
    try {
        ImageRenderFrame f{j.at("min_x").get<double>(), j.at("min_y").get<double>(), j.at("size").get<double>()};
        return f.size > 0.0 ? f : ImageRenderFrame{};
    } catch (const nlohmann::json::exception&) {
        return {};
    }
}

void writeRenderFrame(const ImageRenderFrame& frame, const std::string& path) {
    std::ofstream out(path);
    out << toJson(frame).dump(2) << "\n";
    if (!out) throw std::runtime_error("cannot write " + path);
}

ImageRenderFrame readRenderFrameBeside(const std::string& imageSource) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path source(imageSource);
    const fs::path file = (fs::is_directory(source, ec) ? source : source.parent_path()) / kRenderFrameFile;
    std::ifstream in(file);
    if (!in) return {};
    try {
        return renderFrameFromJson(nlohmann::json::parse(in));
    } catch (const nlohmann::json::exception&) {
        return {};  // a damaged frame file: the model simply has no frame
    }
}

}  // namespace ms::api
