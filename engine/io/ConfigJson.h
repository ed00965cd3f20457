#pragma once
// JSON forms of the engine's settings structs (presets, bundles, run folders). Readers accept
// partial objects (missing keys keep the defaults) and reject wrong types or unknown keys with
// a message naming the key path, so a typo in a preset is caught rather than ignored.
#include <nlohmann/json_fwd.hpp>

#include <string>

#include "data/Normalization.h"
#include "models/McVaeConfig.h"
#include "training/TrainingConfig.h"
#include "training/TrainerState.h"

namespace ms {

nlohmann::json toJson(const SparsitySchedule& s);
nlohmann::json toJson(const McVaeConfig& c);
nlohmann::json toJson(const TrainingConfig& c);
nlohmann::json toJson(const Normalization& n);
nlohmann::json toJson(const EpochRecord& r);

// `where` prefixes error messages (e.g. "models/geobiked.json: training").
void readJson(const nlohmann::json& j, SparsitySchedule& s, const std::string& where);
void readJson(const nlohmann::json& j, McVaeConfig& c, const std::string& where);
void readJson(const nlohmann::json& j, TrainingConfig& c, const std::string& where);
void readJson(const nlohmann::json& j, Normalization& n, const std::string& where);
void readJson(const nlohmann::json& j, EpochRecord& r, const std::string& where);

}  // namespace ms
