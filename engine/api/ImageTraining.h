#pragma once
// Training an image model (mcLDM) end to end, torch-free for the CLI and the GUI: split the
// image set (seeded, held-out part recorded in the model), train the KL autoencoder (or load a
// TorchScript first stage), encode, train the U-Net with masked conditions, save the .msi.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "api/ImageSession.h"
#include "core/conditioning/SparsitySchedule.h"
#include "core/data/ImageSet.h"
#include "core/runtime/CancelToken.h"
#include "distributed/DistributedSettings.h"

namespace ms::api {

struct ImageTrainRequest {
    std::string outPath;
    std::string preset;          // column overrides for the conditions CSV (e.g. geobiked); may be empty
    double testFraction = 0.1;
    uint64_t seed = 0;
    std::string device = "auto";
    // first stage: the project's autoencoder, or a TorchScript pair when both paths are set
    std::string encoderScript, decoderScript;
    int64_t aeFactor = 4;
    int64_t aeLatentChannels = 4;
    int64_t aeHidden = 32;
    int64_t aeEpochs = 30;
    double aeLr = 1e-3;
    // denoiser
    int64_t baseChannels = 64;
    std::vector<int64_t> channelMult{1, 2, 2, 4};
    int64_t epochs = 100;
    int64_t batchSize = 32;
    double lr = 2e-4;
    SparsitySchedule sparsity{ScheduleKind::Linear, 0.1, 0.25};  // paper: linear 0.1 -> 0.25
    // MCGM (a new model only; resumed and fine-tuned ones keep their architecture): cross-attention
    // to condition and mask tokens; each training image's target shape is its own coarse silhouette.
    bool crossAttention = false;
    double maskDropout = 0.3;          // probability a training image's mask is left out
    double maskAttentionWeight = 0.03; // lambda_m of the mask cross-attention loss
    int64_t placementShift = 0;        // random placement: rows and their shapes moved by up to this many latent cells
    // A new run that borrows another model's first stage (its autoencoder, trained on images of
    // the same size) instead of training one: only the U-Net trains. Same data and seed: same split.
    std::string firstStageFrom;
    // Continue a saved run (a cancelled checkpoint or a finished model) on the same data up to
    // `epochs` mcLDM epochs in total: same split, first stage and optimizer state.
    std::string resumeFrom;
    // Start from a model's first stage and U-Net on new data with the same conditions (its
    // schema); only the mcLDM trains (`epochs` more epochs), on a new split.
    std::string fineTuneFrom;
    bool fineTuneFirstStage = false;  // fine-tune: also train its autoencoder aeEpochs more epochs
    // Seconds between checkpoints inside an epoch of either stage (a large image set's epoch can
    // take minutes; 0: only at the end of every epoch).
    double checkpointSeconds = 30.0;
    int64_t previewEvery = 0;  // mcLDM epochs between preview grids (0: none)
    int64_t previewCount = 4;  // images per preview (conditions of the first training rows)
    // More than one rank: both stages data parallel over them (c10d, Gloo), batchSize the global
    // batch; every rank reads the images, rank 0 alone writes the model, its checkpoints and
    // previews (a run resumes on any number of ranks).
    distributed::DistributedSettings distributed;
};

struct ImageTrainProgress {
    std::string stage;  // "autoencoder" or "mcldm"
    int64_t epoch = 0, epochs = 0;
    double loss = 0.0;
    double elapsedSeconds = 0.0;
    ImagePixels preview;  // mcLDM only, every previewEvery epochs (count 0 otherwise)
};

struct ImageTrainResult {
    std::string modelPath;
    std::string deviceName;
    int64_t trainRows = 0, testRows = 0;
    double autoencoderSeconds = 0.0, ldmSeconds = 0.0;
    double reconstructionMse = 0.0;  // first stage, held-out images, intensities in [0, 1]
    double latentScale = 1.0;
    std::vector<double> autoencoderLoss, ldmLoss;  // the epochs trained in this call
    double collectiveSeconds = 0.0;  // data parallel: wall time in the ranks' exchanges (this rank's view)
    int64_t collectiveCalls = 0;
    int64_t completedEpochs = 0;                    // mcLDM epochs of the saved model in total
    bool cancelled = false;  // cancelled: during the mcLDM stage a resumable checkpoint is saved
};

// Throws DataError for bad conditions, std::invalid_argument for bad settings, std::runtime_error
// for a diverging loss (naming stage and epoch), BundleError for a bad resume / fine-tune file.
// Every epoch of either stage ends with a checkpoint in outPath, and so does every
// checkpointSeconds inside one (atomic: kill -9 loses at most the shorter of the two); cancelled,
// the last one stays, resumable (modelPath says so; empty: cancelled before the first one). A first-stage checkpoint has an untrained U-Net
// (ImageModelFile::autoencoderEpochsDone >= 0): --resume goes on with the autoencoder.
using ImageTrainProgressFn = std::function<void(const ImageTrainProgress&)>;

ImageTrainResult trainImageModel(const ImageSet& images, const ImageTrainRequest& request, const ImageTrainProgressFn& onProgress,
                                 const CancelToken& cancel);

}  // namespace ms::api
