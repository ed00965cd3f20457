#pragma once
// A loaded image model for generation and inpainting, torch-free (pimpl) for the CLI and the
// studio: conditions as ConditionValues, pixels as 8-bit N x C x H x W, step-by-step previews
// with cancel at any step. Either an mcLDM (.msi) or a model learned from incomplete images
// (.mpd, api/PartialImageModel): that one inpaints by ensemble inference over K contexts (steps
// 0: the single-step mean; n >= 2: n DDIM steps, a sample) and generates by completing an image
// with every pixel hidden; it has no previews and stops only between jobs.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/conditioning/ConditionValues.h"
#include "core/data/Schema.h"
#include "core/runtime/CancelToken.h"

namespace ms::api {

struct ImagePixels {
    int64_t count = 0, channels = 1, size = 0;
    std::vector<uint8_t> data;  // count x channels x size x size
};

// The square world window (millimetres, y up) of sketches rendered from keypoint designs
// (`image render`): recorded in a model trained on them. size 0: unknown.
struct ImageRenderFrame {
    double minX = 0.0, minY = 0.0, size = 0.0;
    bool known() const { return size > 0.0; }
};

struct ImageSampleRequest {
    ConditionValues conditions;  // one set, applied to every image
    int64_t count = 1;
    uint64_t seed = 0;
    std::string sampler = "ddim";  // ddpm or ddim
    int64_t steps = 20;
    double eta = 0.0;
    double guidance = 1.0;
    int64_t previewEvery = 0;       // 0: no previews
    int64_t repaintSteps = 50;      // inpainting
    int64_t jumpLength = 10;
    int64_t resamples = 5;
    int64_t members = 16;           // models learned from incomplete images: contexts K per image
    // Target shape (models trained with cross-attention): one grey image of the model's size,
    // white where the design should be (api/TargetMask checks it); count 0: none.
    ImagePixels targetMask;
    std::vector<std::string> concepts;  // learnt concepts to include (api/ConceptLearning), by name
};

struct ImageSampleResult {
    ImagePixels images;
    bool cancelled = false;
    int64_t stepsDone = 0, stepsTotal = 0;
    double seconds = 0.0;
};

// Where each cross-attention token looks in an image (models that follow target shapes): one map
// per token but the null one, in token order (the conditions, "target shape", the concepts);
// maps.count = tokens.size(), one channel, maps.size = the finest attention grid, 0..255 with
// each map's maximum at 255.
struct TokenAttention {
    std::vector<std::string> tokens;
    ImagePixels maps;
};

// (steps done, steps total, preview images or empty between previews).
using ImagePreviewFn = std::function<void(int64_t done, int64_t total, const ImagePixels& preview)>;

class ImageSession {
public:
    ImageSession();
    ~ImageSession();
    ImageSession(ImageSession&&) noexcept;
    ImageSession& operator=(ImageSession&&) noexcept;

    // Throws BundleError naming the file; device "cpu", "cuda" or "auto".
    void load(const std::string& path, const std::string& device = "auto");
    bool loaded() const;
    bool learnedFromIncompleteImages() const;  // a .mpd: K and steps 0 apply, sampler and guidance do not
    const Schema& schema() const;
    int64_t imageSize() const;
    int64_t imageChannels() const;
    std::string describe() const;  // first stage, U-Net size, training record summary
    bool followsTargetShapes() const;  // trained with cross-attention: targetMask applies
    ImageRenderFrame renderFrame() const;  // of its training sketches (unknown for other images)
    std::vector<std::string> concepts() const;  // learnt concepts, by name
    std::string trainingData() const;           // the image folder or pack it was trained on, as recorded ("" unknown)

    // A cancelled token stops the job after its current step (cancelled in the result).
    ImageSampleResult generate(const ImageSampleRequest& request, const ImagePreviewFn& onPreview = {},
                               const CancelToken& cancel = CancelToken());
    // base: one image of the model's size; regenerate: one 1-channel mask of that size (> 127 = regenerate).
    ImageSampleResult inpaint(const ImageSampleRequest& request, const ImagePixels& base, const ImagePixels& regenerate,
                              const ImagePreviewFn& onPreview = {}, const CancelToken& cancel = CancelToken());

    // The attention of the request's tokens (conditions, target shape, concepts) over `image` (one
    // image of the model's size): the image encoded, half-noised (request.seed), one U-Net pass.
    // Throws std::invalid_argument for a model without cross-attention or an image of another size.
    TokenAttention attentionMaps(const ImageSampleRequest& request, const ImagePixels& image);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

}  // namespace ms::api
