#include "api/ConceptEvaluation.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <stdexcept>

#include "api/HeldOutImages.h"
#include "core/runtime/Stopwatch.h"
#include "diffusion/ImageGeneration.h"
#include "diffusion/McLdm.h"
#include "diffusion/TargetShape.h"

namespace ms::api {

ConceptEvalReport evaluateConcept(const ImageSet& images, const ConceptEvalRequest& req) {
    const Stopwatch t0;
    if (req.count < 1) throw std::invalid_argument("concept evaluation needs at least one generation");
    HeldOutImages h = loadHeldOutImages(images, req.modelPath, req.count + 1, req.device);
    diffusion::McLdm& model = h.file.model;
    const auto conceptAt = std::find(model.concepts.begin(), model.concepts.end(), req.concept);
    if (conceptAt == model.concepts.end())
        throw std::invalid_argument(req.modelPath + " has no concept named '" + req.concept + "' (learn it with image concept)");
    const auto fileAt = std::find(images.files.begin(), images.files.end(), req.conceptFile);
    if (fileAt == images.files.end())
        throw std::invalid_argument(images.source + " has no image '" + req.conceptFile + "' (the concept's picture)");
    const int64_t conceptRow = fileAt - images.files.begin();

    // target shapes: silhouettes of held-out designs other than the concept's own
    std::vector<int64_t> shapeRows;
    for (std::size_t i = 0; i < h.split.test.size() && static_cast<int64_t>(shapeRows.size()) < req.count; ++i)
        if (h.split.test[i] != conceptRow) shapeRows.push_back(static_cast<int64_t>(i));
    const auto n = static_cast<int64_t>(shapeRows.size());
    const at::Tensor shapes = diffusion::silhouetteMasks(h.testImages.index_select(0, at::tensor(shapeRows, at::kLong).to(h.device)),
                                                         model.unet->config().maskGrid);

    ConceptEvalReport report;
    report.count = n;
    report.device = h.device.str();
    const at::Tensor truth = h.tensors.select({conceptRow}).conditions.categorical;  // [1, C]
    for (std::size_t c = 0; c < model.schema.categorical.size(); ++c) {
        const auto& column = model.schema.categorical[c];
        report.conditions.push_back(column.column);
        const int64_t k = truth[0][static_cast<int64_t>(c)].item<int64_t>();
        report.conceptClasses.push_back(k >= 0 ? column.classes[static_cast<std::size_t>(k)] : "?");
    }

    // the classifier first (it trains), then the generations (no gradients)
    diffusion::ConditionClassifier classifier{nullptr};
    if (!report.conditions.empty()) classifier = trainControllabilityClassifier(h, req.classifierEpochs, req.seed);
    torch::NoGradGuard noGrad;
    diffusion::ImageGenerationSettings settings;
    settings.sampler.kind = diffusion::parseSamplerKind(req.sampler);
    settings.sampler.steps = req.steps;
    settings.guidance = req.guidance;
    settings.seed = req.seed;
    settings.targetMask = shapes;
    const ConditionInput open = diffusion::allMaskedConditions(model, n, h.device);
    at::Tensor asked = at::zeros({1, static_cast<int64_t>(model.concepts.size())});
    asked[0][conceptAt - model.concepts.begin()] = 1.0;
    settings.concepts = asked;
    const at::Tensor with = diffusion::generateImages(model, open, settings).images;
    settings.concepts = at::Tensor();
    const at::Tensor without = diffusion::generateImages(model, open, settings).images;
    // the ceiling: the concept image's own conditions asked for directly, same seeds and shapes
    const at::Tensor everyRow = at::zeros({n}, at::kLong);
    const ConditionInput own = h.tensors.select({conceptRow}).conditions.select(everyRow).to(h.device);
    const at::Tensor asConditions = diffusion::generateImages(model, own, settings).images;

    const int64_t grid = model.unet->config().maskGrid;
    report.iouWith = diffusion::maskIoU(diffusion::silhouetteMasks(with, grid), shapes).mean().item<double>();
    report.iouWithout = diffusion::maskIoU(diffusion::silhouetteMasks(without, grid), shapes).mean().item<double>();
    if (!report.conditions.empty()) {
        const at::Tensor labels = truth.expand({n, -1}).contiguous().to(h.device);
        report.withConcept = diffusion::classifierAccuracy(classifier, with, labels);
        report.withoutConcept = diffusion::classifierAccuracy(classifier, without, labels);
        report.byConditions = diffusion::classifierAccuracy(classifier, asConditions, labels);
    }
    report.seconds = t0.seconds();
    return report;
}

}  // namespace ms::api
