// libFuzzer target: a preset file (models/NAME.json, a user's own --preset) as a user might
// hand-edit or damage it. Allowed outcomes: a preset, or a std::exception whose message names
// the file; a preset that loads must load the same after savePreset.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include "FuzzFailure.h"

#include <nlohmann/json.hpp>

#include "mcvae/McVaeJson.h"
#include "mcvae/Preset.h"

namespace {
std::string scratch(const char* what) { return "/tmp/maskstudio-fuzz-" + std::to_string(getpid()) + what; }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = scratch("-preset.json"), again = scratch("-again.json");
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    ms::mcvae::Preset preset;
    try {
        preset = ms::mcvae::loadPreset(path);
    } catch (const std::exception& e) {
        if (std::string(e.what()).find(path) == std::string::npos) failure("an error that does not name the file", e.what());
        return 0;
    }
    ms::mcvae::savePreset(preset, again);
    const ms::mcvae::Preset back = ms::mcvae::loadPreset(again);
    if (back.name != preset.name || back.columns.size() != preset.columns.size() ||
        ms::mcvae::toJson(back.training) != ms::mcvae::toJson(preset.training))
        failure("a preset that changes through savePreset", path.c_str());
    return 0;
}
