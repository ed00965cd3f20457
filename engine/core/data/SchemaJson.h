#pragma once
// The schema file: what the user reviews and edits between "infer" and "train", and what a
// trained model carries so that its inputs mean the same thing when it is loaded again.
#include <string>

#include <nlohmann/json.hpp>

#include "core/data/Schema.h"

namespace ms {

// {"format": "maskstudio-schema", "version": 1, "keypoints": [{"name", "xColumn", "yColumn"}],
//  "outputs": [{"column"}], "categorical": [{"column", "classes": [...]}],
//  "numerical": [{"column", "min", "max"}], "ignored": ["column", ...]}
nlohmann::json schemaToJson(const Schema& schema);

// Validates everything (types, non-empty names, unique keypoint names and columns, unique classes,
// min <= max, no unknown fields); the list fields may be omitted when empty. Throws DataError
// whose message names the offending field, e.g. "categorical[2].classes: ...".
Schema schemaFromJson(const nlohmann::json& json, const std::string& sourceForErrors);

// Both throw DataError; a JSON syntax error is reported with its line and byte offset.
void saveSchemaFile(const Schema& schema, const std::string& path);
Schema loadSchemaFile(const std::string& path);

}  // namespace ms
