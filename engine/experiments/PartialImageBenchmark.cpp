#include "experiments/PartialImageBenchmark.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <random>
#include <stdexcept>

#include "core/data/IdxImages.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "experiments/ObservationScenarios.h"
#include "experiments/PixelImputationBenchmark.h"
#include "experiments/PixelModels.h"
#include "partial/EnsembleInference.h"
#include "partial/GuidedContexts.h"
#include "partial/ImageDenoiser.h"
#include "partial/MaskPriorFile.h"
#include "partial/MaskPriorPool.h"
#include "partial/PartialTrainer.h"

namespace ms::experiments {

namespace {

constexpr double kForeground = 0.1;

void say(const PartialImageSettings& s, const std::string& line) {
    if (s.log) s.log(line);
}

// "WC rho 0.50"
std::string guidedModelName(const char* kind, double rho) {
    char text[48];
    std::snprintf(text, sizeof text, "%s rho %.2f", kind, rho);
    return text;
}

struct Scores {
    double mse = 0.0, foreground = 0.0;
};

Scores score(const at::Tensor& completedAnywhere, const at::Tensor& truth, const at::Tensor& observed) {
    const at::Tensor completed = completedAnywhere.cpu();
    const at::Tensor missing = 1.0 - observed;
    const at::Tensor fg = missing * (truth > kForeground).to(at::kFloat);
    const at::Tensor se = (completed - truth).square();
    return {(se * missing).sum().item<double>() / missing.sum().clamp_min(1.0).item<double>(),
            (se * fg).sum().item<double>() / fg.sum().clamp_min(1.0).item<double>()};
}

struct Split {
    at::Tensor raw;     // [N, H, W] uint8
    at::Tensor grey;    // [N, H*W] in [0, 1]
    at::Tensor observed;  // [N, H*W] float 0/1
};

}  // namespace

PartialImageResult runPartialImageBenchmark(const PartialImageSettings& s, const CancelToken& cancel) {
    for (const std::string& m : s.models)
        if (m != "A" && m != "B" && m != "C" && m != "D" && m != "E" && m != "W" && m != "WC" && m != "WG")
            throw std::invalid_argument("unknown model '" + m + "' (A, B, C, D, E, W, WC, WG)");
    if (s.trainImages < 1 || s.testImages < 1 || s.updates < 1 || s.batchSize < 1)
        throw std::invalid_argument("image counts, updates and batch size must be positive");
    const auto wants = [&](const char* m) { return std::find(s.models.begin(), s.models.end(), m) != s.models.end(); };
    const bool guided = wants("WC") || wants("WG");
    if (wants("WG") && !(s.guidanceScale > 0.0)) throw std::invalid_argument("model WG needs a gradient guidance scale > 0");
    if (guided && (s.rhos.empty() || s.guidedDrawsPerRow < 1))
        throw std::invalid_argument("models WC and WG need at least one rho and one guided draw per image");
    std::vector<partial::OmegaSchedule> omegas;
    for (const std::string& name : s.omegas) omegas.push_back(partial::parseOmegaSchedule(name));
    if (omegas.empty()) throw std::invalid_argument("name at least one omega schedule");
    const c10::Device device = resolveDevice(s.device);
    std::mt19937_64 rng(s.seed);
    Split train, test;
    train.raw = readIdxImages(fashionMnistImages(s.folder, true), s.trainImages);
    test.raw = readIdxImages(fashionMnistImages(s.folder, false), s.testImages);
    const int64_t h = train.raw.size(1), w = train.raw.size(2);
    for (Split* split : {&train, &test}) {
        split->grey = greyLevels(split->raw);
        split->observed = scenarioMasks(s.scenario, split->grey.size(0), h, w, rng);
    }
    PartialImageResult result;
    result.trainImages = train.grey.size(0);
    result.testImages = test.grey.size(0);
    result.trainMissingShare = 1.0 - train.observed.mean().item<double>();
    result.testMissingShare = 1.0 - test.observed.mean().item<double>();
    const at::Tensor nan = at::full_like(train.grey, std::numeric_limits<float>::quiet_NaN());
    // What the partial trainers receive: NaN wherever a pixel was not observed.
    const at::Tensor trainU = at::where(train.observed > 0.5, train.grey * 2.0 - 1.0, nan);
    const at::Tensor testU = at::where(test.observed > 0.5, test.grey * 2.0 - 1.0, at::full_like(test.grey, NAN));
    const at::Tensor trainObservedHere = train.observed.to(device), testObservedHere = test.observed.to(device);
    const at::Tensor testUHere = testU.to(device);

    // A, B, D: the same U-Net and updates; ensemble inference with every K and step count.
    const auto trainDenoiser = [&](const std::string& name, double delta, partial::QueryRegion region, bool oracle,
                                   const at::Tensor& priorPool = {}, const at::Tensor& trainRowPriorMasks = {},
                                   const at::Tensor& testRowPriorMasks = {}) {
        partial::PartialModelParts parts;
        partial::ImageDenoiserConfig config;
        config.height = h;
        config.width = w;
        config.baseChannels = s.baseChannels;
        config.resBlocks = s.resBlocks;
        seedParameterInitialisation(s.seed);
        partial::ImageDenoiser net(config);
        net->to(device);
        parts.net = net.ptr();
        parts.schedule = diffusion::NoiseSchedule::linear();
        parts.context = scenarioContext(s.scenario, delta, h, w);
        parts.context.priorPool = priorPool;
        parts.masks = partial::MaskDistribution::measure(train.observed, {});
        partial::PartialTrainingSettings training;
        training.context = parts.context;
        // The oracle sees complete images; its contexts are about as sparse as A's (the data's
        // missing share, then delta).
        if (oracle && s.scenario != "block")
            training.context.delta = 1.0 - (1.0 - (s.scenario == "iid" ? kScenarioIidMissing : kScenarioMixtureIidMissing)) * (1.0 - delta);
        training.region = region;
        training.updates = s.updates;
        training.batchSize = s.batchSize;
        training.lr = s.lr;
        training.lowNoiseShare = s.lowNoiseShare;
        training.seed = s.seed + 1;
        training.rowPriorMasks = trainRowPriorMasks;
        say(s, "training " + name + " (" + std::to_string(s.updates) + " updates)");
        const Stopwatch clock;
        partial::trainPartialDiffusion(*parts.net, parts.schedule, (oracle ? train.grey * 2.0 - 1.0 : trainU).to(device),
                                       oracle ? at::ones_like(trainObservedHere) : trainObservedHere, nullptr, training,
                                       {}, cancel);
        result.trainSeconds.emplace_back(name, clock.seconds());
        for (int64_t steps : s.steps)
            for (std::size_t o = 0; o < (steps == 0 ? 1 : omegas.size()); ++o)
                for (int64_t members : s.members) {
                    if (cancel.cancelled()) return;
                    partial::EnsembleSettings ensemble;
                    ensemble.members = members;
                    ensemble.steps = steps;
                    ensemble.omega = omegas[o];
                    ensemble.seed = s.seed + 2;
                    ensemble.rowPriorMasks = testRowPriorMasks;
                    const Stopwatch inference;
                    // Back on the CPU inside the timing: the copy waits for the device's queue.
                    const at::Tensor u = partial::ensembleComplete(parts, testUHere, testObservedHere, nullptr, ensemble).cpu();
                    const double ms = 1000.0 * inference.seconds() / static_cast<double>(result.testImages);
                    const Scores sc = score(((u + 1.0) * 0.5).clamp(0.0, 1.0), test.grey, test.observed);
                    result.rows.push_back({name, delta, members, steps, steps == 0 ? "" : s.omegas[o], sc.mse, sc.foreground, ms});
                }
    };
    if (wants("A"))
        for (double delta : s.deltas) trainDenoiser("A", delta, partial::QueryRegion::Query, false);
    if (wants("B") && !cancel.cancelled()) trainDenoiser("B", 0.0, partial::QueryRegion::NoSplit, false);
    if (wants("D") && !cancel.cancelled()) trainDenoiser("D", s.deltas.front(), partial::QueryRegion::Query, true);
    if ((wants("W") || guided) && !cancel.cancelled()) {
        // Work II: a BFN prior learnt from the training images' masks (or read from priorPath);
        // W: a pool of its draws, contexts M_hat ⊙ M in training and in ensemble inference;
        // WC / WG: M_hat drawn for each image guided by its own mask.
        partial::MaskPriorPoolSettings prior;
        prior.image = {1, h, w};
        prior.baseChannels = s.priorChannels;
        partial::useImagePriorDefaults(prior, s.priorUpdates);
        prior.training.batchSize = s.batchSize;
        prior.training.seed = s.seed + 3;
        prior.poolSize = s.priorPool;
        prior.steps = s.priorSteps;
        Stopwatch clock;
        std::shared_ptr<partial::PartialDenoiser> priorNet;
        partial::BfnSchedule priorSchedule;  // the image prior's default; a read prior's own
        if (s.priorPath.empty() || !std::filesystem::exists(s.priorPath)) {
            say(s, "training W's mask prior (" + std::to_string(s.priorUpdates) + " updates)");
            priorNet = partial::learnMaskPrior(trainObservedHere, prior, cancel);
            result.preparationSeconds.emplace_back("W's mask prior", clock.seconds());
            if (!s.priorPath.empty() && !cancel.cancelled()) {  // for the next run (--prior reads it)
                partial::MaskPriorFile file;
                file.dataKind = "images";
                file.image = prior.image;
                file.net = priorNet;
                file.observedRate = partial::observedRates(train.observed);
                file.training = {{"data", "scenario " + s.scenario + " (bench-images)"}, {"masks", result.trainImages},
                                 {"updates", prior.training.updates}, {"seed", prior.training.seed},
                                 {"weight_average", prior.training.weightAverage}};
                partial::saveMaskPrior(file, s.priorPath);
                say(s, "wrote the prior " + s.priorPath);
            }
        } else {
            const partial::MaskPriorFile file = partial::loadMaskPrior(s.priorPath);
            if (file.dataKind != "images" || file.image.height != h || file.image.width != w)
                throw std::invalid_argument(s.priorPath + ": not a mask prior of " + std::to_string(h) + " x " + std::to_string(w) + " masks");
            say(s, "W's contexts from the prior " + s.priorPath);
            priorNet = file.net;
            priorSchedule = file.schedule;
            priorNet->to(trainObservedHere.device());
        }
        if (wants("W") && !cancel.cancelled()) {
            clock = Stopwatch();
            const at::Tensor pool = partial::drawMaskPriorPool(*priorNet, prior, cancel, priorSchedule);
            result.preparationSeconds.emplace_back("W's pool of " + std::to_string(s.priorPool) + " draws", clock.seconds());
            if (!cancel.cancelled()) trainDenoiser("W", 0.0, partial::QueryRegion::Query, false, pool);
        }
        for (const char* kind : {"WC", "WG"})
            for (double rho : s.rhos) {
                if (!wants(kind) || cancel.cancelled()) continue;
                const std::string name = guidedModelName(kind, rho);
                partial::GuidedContextSettings draws;
                draws.sampling.steps = prior.steps;
                draws.sampling.timePower = prior.timePower;
                draws.sampling.rho = rho;
                draws.sampling.clampAnchors = std::string(kind) == "WC";
                draws.sampling.guidanceScale = std::string(kind) == "WG" ? s.guidanceScale : 0.0;
                draws.sampling.cancel = &cancel;
                at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(s.seed + 5);
                say(s, name + ": " + std::to_string(s.guidedDrawsPerRow) + " guided prior draws per training image");
                clock = Stopwatch();
                draws.drawsPerRow = s.guidedDrawsPerRow;
                const at::Tensor trainDraws = partial::drawGuidedPriorMasks(*priorNet, priorSchedule, trainObservedHere, draws, generator);
                draws.drawsPerRow = *std::max_element(s.members.begin(), s.members.end());
                const at::Tensor testDraws =
                    cancel.cancelled() ? at::Tensor() : partial::drawGuidedPriorMasks(*priorNet, priorSchedule, testObservedHere, draws, generator);
                result.preparationSeconds.emplace_back(name + ": guided prior draws for the training and test images", clock.seconds());
                if (!cancel.cancelled()) trainDenoiser(name, 0.0, partial::QueryRegion::Query, false, {}, trainDraws, testDraws);
            }
    }

    // C and E: the pixel models of the Fashion-MNIST comparison, as many passes as A's updates.
    const int64_t epochs = std::max<int64_t>(1, (s.updates * s.batchSize + result.trainImages - 1) / result.trainImages);
    const at::Tensor zeroFilled =
        (train.raw.to(at::kFloat) * train.observed.view({-1, h, w})).round().to(at::kByte);  // missing pixels black
    for (const auto& [name, method] : {std::pair<const char*, PixelMethod>{"C", PixelMethod::Ddpm}, {"E", PixelMethod::Miwae}}) {
        if (!wants(name) || cancel.cancelled()) continue;
        PixelTrainSettings p;
        p.method = method;
        p.epochs = epochs;
        p.batchSize = s.batchSize;
        p.lr = s.lr;
        p.seed = s.seed;
        p.baseChannels = s.baseChannels;
        p.resBlocks = s.resBlocks;
        if (method == PixelMethod::Ddpm) p.device = s.device;
        say(s, std::string("training ") + name + " (" + std::to_string(epochs) + " epochs)");
        const Stopwatch clock;
        const PixelModel model = trainPixelModel(zeroFilled, p, {}, cancel,
                                                 method == PixelMethod::Miwae ? train.observed > 0.5 : at::Tensor());
        result.trainSeconds.emplace_back(name, clock.seconds());
        if (cancel.cancelled()) break;
        PixelImputeSettings impute;
        impute.miwaeMean = true;  // MIWAE's point imputation; the DDPM gives one RePaint sample
        impute.repaint = {s.repaintSteps, 10, 5};
        impute.seed = s.seed + 2;
        const Stopwatch inference;
        const at::Tensor filled = imputePixels(model, test.grey, test.observed > 0.5, impute);
        const double ms = 1000.0 * inference.seconds() / static_cast<double>(result.testImages);
        const Scores sc = score(filled, test.grey, test.observed);
        result.rows.push_back({name, 0.0, 1, 0, "", sc.mse, sc.foreground, ms});
    }
    return result;
}

}  // namespace ms::experiments
