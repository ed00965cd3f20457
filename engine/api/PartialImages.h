#pragma once
// Learning from images with gaps, torch-free for the CLI and the studio: an image set whose
// observation masks say which pixels were seen (imaging/ObservationMasks reads them) trains a
// partial-observation diffusion model of images (.mpd, data kind "images"; the U-Net of
// engine/partial), which then completes the hidden pixels of any image of that size by ensemble
// inference, every observed pixel kept exactly.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "api/PartialDesignModel.h"
#include "core/data/ImageSet.h"
#include "core/runtime/CancelToken.h"
#include "core/training/TrainingProgress.h"
#include "distributed/DistributedSettings.h"

namespace ms::api {

// What the partition looks like before the denoiser trains (the studio shows it): some of the
// data's masks with gaps and, beside them, as many masks of the chosen partition: the learnt
// prior's draws, or for a hand rule the contexts it cuts out of those same images.
struct ImageGapPreview {
    int64_t size = 0;                  // masks are size x size, 1 = observed
    std::vector<uint8_t> dataMasks;    // count() masks of the data with gaps
    std::vector<uint8_t> drawnMasks;   // count() masks: prior draws, or the contexts of dataMasks
    bool drawnFromPrior = false;       // drawnMasks are the learnt prior's draws (else contexts)
    std::string context;               // the partition in words
    int64_t epochs = 0, updates = 0;   // the denoiser's training to come (epochs: passes over the images)
    int64_t count() const { return size > 0 ? static_cast<int64_t>(dataMasks.size()) / (size * size) : 0; }
};

struct PartialImageTrainRequest {
    std::string outPath;
    std::string preset;            // condition overrides of a preset ("" : none)
    std::string maskColumn = "mask";  // a conditions column naming mask files is no condition
    int64_t updates = 0;           // 0: about 30 passes over the images, 2,000 to 20,000 updates
    int64_t batchSize = 64;
    int64_t baseChannels = 32;     // U-Net width (a multiple of 8)
    double lr = 1e-3;
    double delta = 0.2;            // i.i.d. contexts: probability that an observed pixel is left out
    // iid | block | prior | auto: blocks for the share of masks that hide one square-ish region; a
    // prior learnt over the masks (Work II) when blocks and scattered gaps are mixed
    std::string context = "auto";
    int64_t priorUpdates = 6000;   // prior contexts: the mask prior's training (partial::kImagePriorUpdates; about 10 min on 2 cores at 28 x 28)
    int64_t priorPool = 2048;      // prior contexts: its draws, stored in the model (ensemble inference draws from them)
    uint64_t seed = 0;
    int64_t previewMasks = 8;      // masks of each kind in the preview
    std::function<void(const ImageGapPreview&)> onPartition;  // called once the partition is chosen (may be empty)
    // A learnt prior's training, before the partition is chosen: its mean loss per epoch (may be empty).
    std::function<void(int64_t epoch, int64_t epochs, double loss)> onPriorEpoch;
    // Data parallel (docs/DISTRIBUTED.md): the denoiser's and the prior's batches shared by the
    // ranks (every rank reads the images); rank 0 alone writes outPath.
    distributed::DistributedSettings distributed;
};

struct PartialImageTrainResult {
    int64_t images = 0;
    int64_t imagesWithGaps = 0;
    double observedFraction = 0.0;  // of all pixels
    std::string context;            // the contexts used: "iid", "blocks of S x S in P % of the rows", or the learnt prior
    int64_t updates = 0;
    double finalLoss = 0.0;
    double seconds = 0.0;
};

// observed: N x size x size, 1 = observed (as ObservedImages holds it). Throws std::invalid_argument
// for bad settings or an image size the U-Net cannot halve at least once, DataError for the
// conditions, std::runtime_error when training diverges or is cancelled (nothing written then).
PartialImageTrainResult trainPartialOnImages(const ImageSet& images, const std::vector<uint8_t>& observed,
                                             const PartialImageTrainRequest& request, const EpochLossFn& onEpoch,
                                             const CancelToken& cancel);

// Completes every image: N x C x size x size 8-bit pixels, observed pixels exactly as given.
// Throws BundleError naming the model for a model of vectors or of another image size or channel
// count, DataError for the conditions.
std::vector<uint8_t> completeImagesWithPartial(const std::string& modelPath, const ImageSet& images,
                                               const std::vector<uint8_t>& observed, const PartialCompletion& how);

}  // namespace ms::api
