#include "experiments/ImageBenchmark.h"

#include <ATen/ATen.h>
#include <ATen/Context.h>

#include <algorithm>
#include <numeric>

#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "diffusion/CudaGraphNoiseModel.h"
#include "diffusion/ImageGeneration.h"
#include "diffusion/ImageModelBundle.h"

namespace ms::experiments {
namespace {

// GeoBIKED's conditions (7 categorical with their class counts, 1 numerical) for a realistic
// embedding size when no model is given.
diffusion::McLdm untrainedDefault(int64_t size) {
    diffusion::McLdm m;
    for (int64_t n : {20, 2, 2, 5, 3, 3, 3}) m.schema.categorical.push_back({"c" + std::to_string(n), std::vector<std::string>(static_cast<std::size_t>(n), "x")});
    m.schema.numerical.push_back({"teeth", 0.0, 139.0});
    m.normalization.numerical.min = {0.0};
    m.normalization.numerical.max = {139.0};
    m.imageSize = size;
    diffusion::KlAutoencoderConfig ac;
    m.autoencoder = diffusion::KlAutoencoder(ac);
    m.firstStage = std::make_shared<diffusion::KlFirstStage>(m.autoencoder);
    diffusion::McUnetConfig uc;
    uc.classCounts = {20, 2, 2, 5, 3, 3, 3};
    uc.numericalCount = 1;
    m.unet = diffusion::McUnet(uc);
    m.unet->eval();
    return m;
}

}  // namespace

ImageBenchReport runImageBenchmark(const ImageBenchSettings& s) {
    diffusion::McLdm model = s.modelPath.empty() ? untrainedDefault(s.size) : diffusion::loadImageModel(s.modelPath).model;
    const at::Device device = resolveDevice(s.device);
    model.to(device);
    ImageBenchReport report;
    report.model = s.modelPath.empty() ? "default architecture, untrained weights" : s.modelPath;
    report.device = device.str();
    report.cudaGraphs = device.is_cuda() && diffusion::cudaGraphsAvailable();
    report.size = model.imageSize;
    report.steps = s.steps;
    for (const auto& p : model.unet->parameters()) report.unetParameters += p.numel();
    diffusion::ImageGenerationSettings gs;
    gs.sampler.steps = s.steps;
    gs.guidance = s.guidance;
    const auto c = static_cast<int64_t>(model.schema.categorical.size());
    const auto m = static_cast<int64_t>(model.schema.numerical.size());
    const auto timeRows = [&](diffusion::McLdm& timed, const std::string& variant, const at::Tensor& targetMask) {
        gs.targetMask = targetMask;
        for (int64_t batch : s.batches) {
            const ConditionInput cond{at::zeros({batch, c}, at::kLong), at::zeros({batch, m}), at::ones({batch, m})};
            std::vector<double> ms;
            for (int64_t i = 0; i <= s.iterations; ++i) {  // the first call warms up
                const Stopwatch t0;
                const at::Tensor images = diffusion::generateImages(timed, cond, gs).images.cpu();
                const double elapsed = t0.milliseconds();
                if (i > 0) ms.push_back(elapsed);
            }
            std::sort(ms.begin(), ms.end());
            ImageBenchRow row;
            row.variant = variant;
            row.batch = batch;
            row.p50Ms = ms[ms.size() / 2];
            row.meanMs = std::accumulate(ms.begin(), ms.end(), 0.0) / static_cast<double>(ms.size());
            row.minMs = ms.front();
            row.msPerImage = row.p50Ms / static_cast<double>(batch);
            report.rows.push_back(row);
            if (report.cudaGraphs && batch == 1 && !targetMask.defined()) {  // the graph must give what the eager sampler gives
                const at::Tensor graph = diffusion::generateImages(timed, cond, gs).images.cpu();
                const at::Tensor eager =
                    diffusion::generateImages(timed, cond, gs, [](int64_t, int64_t, const at::Tensor&) { return true; }).images.cpu();
                report.graphMaxAbsDiff = (graph - eager).abs().max().item<double>();
            }
        }
    };
    timeRows(model, "as saved", {});
    if (s.crossAttentionCost && model.unet->config().crossAttention) {
        at::Tensor shape = at::zeros({1, 1, model.imageSize, model.imageSize}, at::TensorOptions().device(device));
        shape.narrow(2, model.imageSize / 4, model.imageSize / 2).fill_(1.0);  // a band across the middle
        timeRows(model, "target shape", shape);
        diffusion::McLdm plain = model;
        diffusion::McUnetConfig config = model.unet->config();
        config.crossAttention = false;
        config.conceptTokens = 0;
        plain.unet = diffusion::McUnet(config);
        plain.unet->to(device);
        plain.unet->eval();
        plain.concepts.clear();
        plain.capturedCalls.reset();
        timeRows(plain, "no cross-attention", {});
    }
    return report;
}

}  // namespace ms::experiments
