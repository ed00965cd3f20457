#include "api/MaskFollowing.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <stdexcept>

#include "api/HeldOutImages.h"
#include "core/data/DesignTensors.h"
#include "core/data/ImageTensors.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "diffusion/ImageGeneration.h"
#include "diffusion/ImageModelBundle.h"
#include "diffusion/MaskAttention.h"
#include "diffusion/MaskEncoder.h"
#include "diffusion/RandomPlacement.h"
#include "diffusion/TargetShape.h"

namespace ms::api {
namespace {

// Target shapes as a user might draw them from a design's silhouette [N, 1, H, W].
std::vector<std::pair<std::string, at::Tensor>> shapeVariants(const at::Tensor& silhouette, int64_t grid) {
    const int64_t size = silhouette.size(2), cell = std::max<int64_t>(1, size / grid);
    const at::Tensor dilated = at::max_pool2d(silhouette, {2 * cell + 1, 2 * cell + 1}, {1, 1}, {cell, cell});
    const at::Tensor simplified =
        at::upsample_nearest2d((diffusion::maskCoverage(silhouette, std::max<int64_t>(1, grid / 2)) > 0.25).to(at::kFloat),
                               {size, silhouette.size(3)});
    const int64_t shift = 2 * cell;  // two cells to the right, nothing wraps round
    const at::Tensor shifted = at::constant_pad_nd(silhouette, {shift, 0}).narrow(3, 0, silhouette.size(3));
    // another design's silhouette with this design's conditions: a shape the conditions do not imply
    const at::Tensor other = at::roll(silhouette, {1}, {0});
    return {{"silhouette", silhouette}, {"dilated", dilated}, {"simplified", simplified}, {"shifted", shifted}, {"other design", other}};
}

}  // namespace

MaskFollowingReport evaluateMaskFollowing(const ImageSet& images, const MaskFollowingRequest& req) {
    torch::NoGradGuard noGrad;
    const Stopwatch t0;
    HeldOutImages h = loadHeldOutImages(images, req.modelPath, req.rows, req.device);
    diffusion::McLdm& model = h.file.model;
    if (!model.unet->config().crossAttention)
        throw std::invalid_argument(req.modelPath + " was trained without cross-attention: it has no target shape to follow "
                                                    "(train one with image train --cross-attention)");
    const at::Device device = h.device;
    const auto n = static_cast<int64_t>(h.split.test.size());
    at::Tensor testImages = h.testImages;
    if (req.placementShift > 0) {
        at::Generator placeGen = at::make_generator<at::CPUGeneratorImpl>(req.seed + 23);
        testImages = diffusion::shiftByCells(testImages, diffusion::randomPlacementShifts(n, req.placementShift, placeGen),
                                             model.firstStage->factor(), true);
    }
    const ConditionInput& testCond = h.testConditions;
    const int64_t grid = model.unet->config().maskGrid;

    diffusion::ImageGenerationSettings settings;
    settings.sampler.kind = diffusion::parseSamplerKind(req.sampler);
    settings.sampler.steps = req.steps;
    settings.guidance = req.guidance;
    // the real images' latents half-noised: where the attention maps are read
    at::Generator noiseGen = at::make_generator<at::CPUGeneratorImpl>(req.seed + 11);
    const at::Tensor latents = model.firstStage->encode(testImages) * model.latentScale;
    const at::Tensor midStep = at::full({n}, model.schedule.steps / 2, at::TensorOptions().dtype(at::kLong).device(device));
    const at::Tensor noisy = model.schedule.addNoise(latents, midStep, diffusion::gaussianNoiseLike(latents, noiseGen));

    MaskFollowingReport report;
    report.device = device.str();
    MaskFollowingRow all{"all", 0, 0.0, 0.0, 0.0};
    for (const auto& [name, masks] : shapeVariants(diffusion::silhouetteMasks(testImages, grid), grid)) {
        std::vector<at::Tensor> with, without, attention;
        for (int64_t b = 0; b < n; b += req.batch) {
            const int64_t e = std::min(b + req.batch, n);
            const at::Tensor m = masks.slice(0, b, e);
            const ConditionInput c = testCond.slice(b, e);
            settings.seed = req.seed + static_cast<uint64_t>(b);
            settings.targetMask = m;
            with.push_back(diffusion::generateImages(model, c, settings).images);
            settings.targetMask = at::Tensor();
            without.push_back(diffusion::generateImages(model, c, settings).images);
            std::vector<at::Tensor> maps;
            model.unet->forward(noisy.slice(0, b, e), midStep.slice(0, b, e), c, m, &maps);
            const at::Tensor map = diffusion::tokenAttentionMap(maps, model.unet->config().maskTokenIndex());
            attention.push_back(diffusion::maskIoU(map, diffusion::maskCoverage(m, map.size(2))));
        }
        const at::Tensor iouWith = diffusion::maskIoU(diffusion::silhouetteMasks(at::cat(with, 0), grid), masks);
        const at::Tensor iouWithout = diffusion::maskIoU(diffusion::silhouetteMasks(at::cat(without, 0), grid), masks);
        const MaskFollowingRow row{name, n, iouWith.mean().item<double>(), iouWithout.mean().item<double>(),
                                   at::cat(attention, 0).mean().item<double>()};
        report.rows.push_back(row);
        all.shapes += row.shapes;
        all.iouWith += row.iouWith * static_cast<double>(n);
        all.iouWithout += row.iouWithout * static_cast<double>(n);
        all.attentionIoU += row.attentionIoU * static_cast<double>(n);
    }
    all.iouWith /= static_cast<double>(all.shapes);
    all.iouWithout /= static_cast<double>(all.shapes);
    all.attentionIoU /= static_cast<double>(all.shapes);
    report.rows.push_back(all);
    report.seconds = t0.seconds();
    return report;
}

}  // namespace ms::api
