#pragma once
// A built-in or user preset (JSON in models/): schema overrides for the data's columns, the
// architecture and the training settings. `--preset NAME` looks up models/NAME.json; a path
// to a .json file works too.
#include <map>
#include <string>

#include "core/data/SchemaInference.h"
#include "mcvae/McVaeConfig.h"
#include "mcvae/TrainingConfig.h"

namespace ms::mcvae {

struct Preset {
    std::string name = "default";
    std::string description;
    std::map<std::string, ColumnOverride> columns;  // schema overrides
    McVaeConfig architecture;                       // condition/output counts come from the data
    TrainingConfig training;
};

// The built-in default preset's update budget (TrainingConfig::updates).
constexpr int64_t kDefaultUpdates = 15000;

// Where the built-in presets and default models live: $MASKSTUDIO_MODELS_DIR, then
// <executable dir>/../share/maskstudio/models (installed), then the source tree's models/.
std::string modelsDirectory();
// "default" gives the built-in defaults; throws std::invalid_argument naming the file and key.
Preset loadPreset(const std::string& nameOrPath);
// Writes a preset file that loadPreset reads back (architecture sizes, training settings, column
// overrides); throws std::runtime_error naming the path when it can not be written.
void savePreset(const Preset& preset, const std::string& path);

}  // namespace ms::mcvae
