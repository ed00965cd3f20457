#pragma once
// The .sfm file of an SFARM model trained on a CSV: which columns it models, their
// standardisation (mean and sd over the observed values), the network and its weights, and a
// free-form training record. Same archive layer as the other model files (io/ArchiveFile).
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "sfarm/SfarmMlp.h"

namespace ms::sfarm {

struct SfarmModelFile {
    SfarmMlp model{nullptr};
    std::vector<std::string> columns;
    std::vector<double> mean, sd;  // continuous elements' standardisation (0 / 1 for categorical ones)
    std::vector<double> low, high;  // range of each element in the training data (raw units); empty = not recorded
    // Per element: the class texts of a categorical CSV column (value k = classNames[j][k]); empty
    // for numeric elements, or all empty (design SFARMs keep theirs in the schema).
    std::vector<std::vector<std::string>> classNames;
    nlohmann::json training;
    nlohmann::json schema;         // a design data set's schema (SchemaJson) for studio models; null for CSV models
};

void saveSfarmModel(const SfarmModelFile& file, const std::string& path);  // throws BundleError
SfarmModelFile loadSfarmModel(const std::string& path);                     // throws BundleError

}  // namespace ms::sfarm
