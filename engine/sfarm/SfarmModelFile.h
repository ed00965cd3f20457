#pragma once
// The .sfm file of an SFARM model trained on a CSV: which columns it models, their
// standardisation (mean and sd over the observed values), the network and its weights, and a
// free-form training record. Same archive layer as the other model files (io/ArchiveFile).
// While `sfarm train` runs, the file is rewritten after every epoch, and every 30 s inside a long
// one, with the run's progress (SfarmRunProgress: epochs done, the best early-stopping check and
// its weights, the position inside an epoch under way): a usable model
// at any moment (its current weights), and `--resume` goes on from it.
#include <nlohmann/json.hpp>
#include <torch/serialize/output-archive.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sfarm/SfarmMlp.h"
#include "sfarm/SfarmRunProgress.h"

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
    std::optional<SfarmRunProgress> progress;  // set: a checkpoint of a run still going (or killed)
};

// The file's contents as copies (safe to save on another thread while training goes on).
std::shared_ptr<torch::serialize::OutputArchive> sfarmModelArchive(const SfarmModelFile& file);

void saveSfarmModel(const SfarmModelFile& file, const std::string& path);  // throws BundleError
SfarmModelFile loadSfarmModel(const std::string& path);                     // throws BundleError

}  // namespace ms::sfarm
