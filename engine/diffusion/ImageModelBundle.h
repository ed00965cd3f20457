#pragma once
// The .msi file of an image model (mcLDM): a LibTorch archive with a JSON "meta" entry (format,
// schema, normalisation, image size, first stage, latent scale, schedule, U-Net architecture,
// training record) and the weights of the U-Net and, for the project's own first stage, of the
// autoencoder. A TorchScript first stage is referenced by path, not copied.
#include <nlohmann/json.hpp>

#include <string>

#include "core/training/EpochPosition.h"
#include "core/training/FlatAdamW.h"
#include "diffusion/McLdm.h"

namespace ms::diffusion {

struct ImageModelFile {
    McLdm model;
    nlohmann::json training;  // free-form record: settings, loss history, timings, data file
    int64_t completedEpochs = 0;  // mcLDM epochs trained so far
    bool partial = false;         // a checkpoint of a cancelled run (resumable)
    // >= 0: a checkpoint taken during the autoencoder stage, after this many of its epochs (its
    // U-Net untrained); -1: the first stage is done.
    int64_t autoencoderEpochsDone = -1;
    AdamWState optimizer;         // the mcLDM optimizer's moments, for resuming (may be undefined: fresh moments)
    // Defined: a checkpoint taken inside an epoch (of the autoencoder stage when
    // autoencoderEpochsDone >= 0, else of the mcLDM stage); resuming goes on from its next batch.
    EpochPosition position;
};

// Atomic (write to .tmp, rename). Throws BundleError naming the path. The optimizer state and a
// mid-epoch position (when defined) go to imageModelResumePath(path) beside the model, not into
// it: a model is its weights' size; the resume file, twice that, is only needed to go on
// training. Written after the model; on loading, the position of a resume file that does not
// match the model's step (a kill between the two writes) is not used: the epoch's start.
void saveImageModel(const ImageModelFile& file, const std::string& path);
std::string imageModelResumePath(const std::string& modelPath);  // "<model>.resume"
// Throws BundleError naming the path for a missing, foreign, damaged or inconsistent file.
ImageModelFile loadImageModel(const std::string& path);

nlohmann::json toJson(const McUnetConfig& c);
nlohmann::json toJson(const KlAutoencoderConfig& c);
void readJson(const nlohmann::json& j, McUnetConfig& c);
void readJson(const nlohmann::json& j, KlAutoencoderConfig& c);

}  // namespace ms::diffusion
