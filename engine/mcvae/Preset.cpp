#include "mcvae/Preset.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

#include "mcvae/McVaeJson.h"

namespace ms::mcvae {
namespace fs = std::filesystem;

std::string modelsDirectory() {
    if (const char* env = std::getenv("MASKSTUDIO_MODELS_DIR"); env && *env) return env;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path installed = exe.parent_path().parent_path() / "share" / "maskstudio" / "models";
        if (fs::exists(installed / "geobiked.json")) return installed.string();
    }
    return MASKSTUDIO_SOURCE_MODELS_DIR;
}

Preset loadPreset(const std::string& nameOrPath) {
    Preset preset;
    if (nameOrPath.empty() || nameOrPath == "default") {
        // The built-in default scales with the data: 15,000 updates (what the authors' 500
        // epochs of batch 128 give on GeoBIKED), batch and epochs from the training rows.
        preset.training.updates = kDefaultUpdates;
        return preset;
    }
    const bool isPath = nameOrPath.find('/') != std::string::npos || fs::path(nameOrPath).extension() == ".json";
    const std::string path = isPath ? nameOrPath : (fs::path(modelsDirectory()) / (nameOrPath + ".json")).string();
    std::ifstream in(path);
    if (!in) {
        std::string known;
        for (const auto& e : fs::directory_iterator(modelsDirectory(), fs::directory_options::skip_permission_denied))
            if (e.path().extension() == ".json") known += (known.empty() ? "" : ", ") + e.path().stem().string();
        throw std::invalid_argument("preset '" + nameOrPath + "' not found (" + path + "); built-in presets: " + known);
    }
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {  // a syntax error, or e.g. a number too large for a double
        throw std::invalid_argument(path + ": not valid JSON (" + e.what() + ")");
    }
    // A value of the wrong kind anywhere (a number where an object belongs, ...) is named with
    // the file, not thrown as the JSON library's bare type error.
    try {
        if (j.value("format", "") != "maskstudio-preset")
            throw std::invalid_argument(path + ": not a Maskstudio preset (\"format\" must be \"maskstudio-preset\")");
        preset.name = j.value("name", fs::path(path).stem().string());
        preset.description = j.value("description", "");
        if (j.contains("columns")) {
            for (const auto& item : j.at("columns").items()) {
                ColumnOverride o{ColumnRole::Ignore};
                const auto& v = item.value();
                const std::string role = v.is_string() ? v.get<std::string>() : v.value("role", "");
                if (!parseColumnRole(role, o.role))
                    throw std::invalid_argument(path + ": columns." + item.key() + ": unknown role '" + role +
                                                "' (keypoint-x, keypoint-y, output, categorical, numerical, ignore)");
                if (v.is_object()) o.keypoint = v.value("keypoint", "");
                preset.columns[item.key()] = o;
            }
        }
        if (j.contains("architecture")) readJson(j.at("architecture"), preset.architecture, path + ": architecture");
        if (j.contains("training")) readJson(j.at("training"), preset.training, path + ": training");
    } catch (const nlohmann::json::exception& e) {
        throw std::invalid_argument(path + ": a value of the wrong kind (" + e.what() + ")");
    }
    return preset;
}

void savePreset(const Preset& p, const std::string& path) {
    nlohmann::json columns = nlohmann::json::object();
    for (const auto& [name, o] : p.columns) {
        if (o.keypoint.empty()) columns[name] = columnRoleName(o.role);
        else columns[name] = {{"role", columnRoleName(o.role)}, {"keypoint", o.keypoint}};
    }
    const McVaeConfig& a = p.architecture;
    const nlohmann::json j = {{"format", "maskstudio-preset"},
                              {"name", p.name},
                              {"description", p.description},
                              {"columns", columns},
                              {"architecture", {{"input_embedding", a.inputEmbedding}, {"encoder_hidden", a.encoderHidden},
                                                {"latent_dim", a.latentDim}, {"condition_embedding", a.conditionEmbedding}}},
                              {"training", toJson(p.training)}};
    const std::string temporary = path + ".part";
    {
        std::ofstream out(temporary);
        out << j.dump(2) << "\n";
        if (!out) throw std::runtime_error(path + ": could not write the preset");
    }
    std::error_code ec;
    fs::rename(temporary, path, ec);
    if (ec) throw std::runtime_error(path + ": could not write the preset (" + ec.message() + ")");
}

}  // namespace ms::mcvae
