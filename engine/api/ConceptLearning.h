#pragma once
// Learning a concept from one picture (or a few) and its mask into an image model trained with
// cross-attention (MCGM's two-stage fine-tune, diffusion/ConceptTuning), torch-free for the CLI
// and the studio: the model is saved with the new concept, which generation then asks for by name
// (ImageSampleRequest::concepts).
#include <cstdint>
#include <functional>
#include <string>

#include "api/ImageSession.h"
#include "core/data/ImageSet.h"
#include "core/runtime/CancelToken.h"

namespace ms::api {

struct ConceptRequest {
    std::string modelPath;  // an image model trained with cross-attention
    std::string outPath;    // the model with the concept (may be modelPath)
    std::string name;       // new; not a condition's name
    ImagePixels images;     // n pictures of the model's size and channels
    ImagePixels masks;      // n grey masks of that size: white = the concept
    const ImageSet* prior = nullptr;  // the pretraining images (prior preservation in stage 2); may be null
    int64_t priorRows = 512;          // a seeded random subset of them (encoding thousands first would keep a user waiting)
    int64_t stage1Steps = 1500;  // 400 left rare parts (a second bottle, a disc wheel) out: docs/RESULTS.md
    double stage1Lr = 5e-3;  // the paper's 5e-4 barely moves a fresh token in 400 steps here (docs/RESULTS.md)
    int64_t stage2Steps = 400;  // 0: stage 1 only
    double stage2Lr = 1e-5;
    double attentionWeight = 1e-2;
    int64_t batch = 4;
    int64_t previewEvery = 0;  // steps between preview images (0: none)
    uint64_t seed = 0;
    std::string device = "auto";
};

struct ConceptProgress {
    int stage = 1;
    int64_t step = 0, steps = 0;
    double loss = 0.0, elapsedSeconds = 0.0;
    ImagePixels preview;  // the concept in its own shape, every previewEvery steps (count 0 otherwise)
};

struct ConceptResult {
    std::string modelPath;
    std::string deviceName;
    std::vector<double> stage1Loss, stage2Loss;
    double seconds = 0.0;
    bool cancelled = false;  // cancelled between steps: the model is saved with the concept as learnt so far
};

using ConceptProgressCallback = std::function<void(const ConceptProgress&)>;

// Throws BundleError for a bad model file, std::invalid_argument naming what is wrong with the
// request (no cross-attention, name taken, pictures or masks of the wrong size, an empty mask).
ConceptResult learnConcept(const ConceptRequest& request, const ConceptProgressCallback& onProgress, const CancelToken& cancel);

}  // namespace ms::api
