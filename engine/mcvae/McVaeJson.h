#pragma once
// JSON forms of the MC-VAE's architecture and training settings (presets, bundles, run
// folders), with the core's readers' rules: partial objects keep the defaults, wrong types and
// unknown keys are errors naming the key path.
#include <nlohmann/json_fwd.hpp>

#include <string>

#include "core/io/ConfigJson.h"
#include "mcvae/McVaeConfig.h"
#include "mcvae/TrainingConfig.h"

namespace ms::mcvae {

nlohmann::json toJson(const McVaeConfig& c);
nlohmann::json toJson(const TrainingConfig& c);

void readJson(const nlohmann::json& j, McVaeConfig& c, const std::string& where);
void readJson(const nlohmann::json& j, TrainingConfig& c, const std::string& where);

}  // namespace ms::mcvae
