#pragma once
// What to train: data, schema, preset and the settings the user overrides. Plain values, shared
// by the CLI's flags and the GUI's training dock.
#include <cstdint>
#include <optional>
#include <string>

#include "core/conditioning/SparsitySchedule.h"
#include "distributed/DistributedSettings.h"

namespace ms::api {

struct TrainRequest {
    std::string dataPath;
    std::string schemaPath;        // optional: otherwise inferred (with the preset's overrides)
    std::string preset = "default";
    std::string outPath;           // bundle path; empty = keep in memory only
    std::string device = "auto";
    std::string resumeFrom;        // bundle to continue (same data and schema)
    std::string fineTuneFrom;      // bundle whose weights, schema and normalisation start a run on new data
    std::optional<int64_t> epochs;
    std::optional<uint64_t> seed;  // split seed and training seed
    std::optional<SparsitySchedule> sparsity;
    std::optional<int> threads;
    std::optional<int64_t> batchSize;
    std::optional<double> learningRate;
    std::optional<double> klWeight;
    std::optional<int64_t> latentDim;  // fresh runs only (fine-tuning keeps the architecture)
    int64_t trainRowLimit = 0;     // > 0: train on only this many rows of the training part
    // Several processes (data parallel): batchSize stays the global batch; rank 0 writes outPath.
    distributed::DistributedSettings distributed;
};

}  // namespace ms::api
