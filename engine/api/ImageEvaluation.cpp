#include "api/ImageEvaluation.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <stdexcept>

#include "api/HeldOutImages.h"
#include "core/data/DesignTensors.h"
#include "core/data/ImageTensors.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "diffusion/ConditionClassifier.h"
#include "diffusion/ImageGeneration.h"
#include "diffusion/ImageMetrics.h"
#include "diffusion/ImageModelBundle.h"

namespace ms::api {

ImageEvalReport evaluateImageModel(const ImageSet& images, const ImageEvalRequest& req) {
    const Stopwatch t0;
    HeldOutImages h = loadHeldOutImages(images, req.modelPath, req.rows, req.device);
    diffusion::McLdm& model = h.file.model;
    const at::Tensor& testImages = h.testImages;
    const ConditionInput& testCond = h.testConditions;
    const int64_t catCount = static_cast<int64_t>(model.schema.categorical.size());
    const int64_t condCount = static_cast<int64_t>(model.schema.conditionCount());
    const at::Device device = h.device;

    ImageEvalReport report;
    report.testImages = static_cast<int64_t>(h.split.test.size());
    report.device = device.str();
    for (const auto& c : model.schema.categorical) report.categoricalNames.push_back(c.column);

    // Controllability classifier on the real training images.
    diffusion::ConditionClassifier classifier = trainControllabilityClassifier(h, req.classifierEpochs, req.seed);
    if (catCount > 0) report.classifierRealAccuracy = diffusion::classifierAccuracy(classifier, testImages, testCond.categorical);

    for (double s : req.sparsities) {
        if (!(s >= 0.0 && s <= 1.0)) throw std::invalid_argument("inference sparsity must be in [0, 1]");
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(req.seed);
        const at::Tensor keep = (at::rand({report.testImages, condCount}, g) >= s).to(device);
        const ConditionInput masked = testCond.masked(keep);
        diffusion::ImageGenerationSettings settings;
        settings.sampler.kind = diffusion::parseSamplerKind(req.sampler);
        settings.sampler.steps = req.steps;
        settings.sampler.eta = req.eta;
        settings.guidance = req.guidance;
        std::vector<at::Tensor> generated;
        for (int64_t b = 0; b < report.testImages; b += req.batch) {
            const int64_t e = std::min(b + req.batch, report.testImages);
            settings.seed = req.seed + static_cast<uint64_t>(b);
            generated.push_back(diffusion::generateImages(model, masked.slice(b, e), settings).images);
        }
        const at::Tensor gen = at::cat(generated, 0);
        const at::Tensor mse = diffusion::perImageMse(gen, testImages), ssim = diffusion::perImageSsim(gen, testImages);
        ImageEvalRow row;
        row.sparsity = s;
        row.mse = mse.mean().item<double>();
        row.mseSd = mse.std().item<double>();
        row.ssim = ssim.mean().item<double>();
        row.ssimSd = ssim.std().item<double>();
        if (catCount > 0) {
            row.perCondition = diffusion::classifierAccuracy(classifier, gen, masked.categorical);
            double sum = 0.0;
            int counted = 0;
            for (double a : row.perCondition)
                if (a >= 0.0) {
                    sum += a;
                    ++counted;
                }
            row.controllability = counted ? sum / counted : -1.0;
        }
        report.rows.push_back(row);
    }
    report.seconds = t0.seconds();
    return report;
}

}  // namespace ms::api
