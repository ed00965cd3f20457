#pragma once
// JSON forms of the core's settings structs (sparsity schedules, normalisation, loss history)
// shared by every model file. Readers accept partial objects (missing keys keep the defaults)
// and reject wrong types or unknown keys with a message naming the key path.
#include <nlohmann/json_fwd.hpp>

#include <string>

#include "core/conditioning/SparsitySchedule.h"
#include "core/data/Normalization.h"
#include "core/training/TrainingProgress.h"

namespace ms {

nlohmann::json toJson(const SparsitySchedule& s);
nlohmann::json toJson(const Normalization& n);
nlohmann::json toJson(const EpochRecord& r);

// `where` prefixes error messages (e.g. "models/geobiked.json: training").
void readJson(const nlohmann::json& j, SparsitySchedule& s, const std::string& where);
void readJson(const nlohmann::json& j, Normalization& n, const std::string& where);
void readJson(const nlohmann::json& j, EpochRecord& r, const std::string& where);

}  // namespace ms
