// maskstudio-cli image: the image models (mcLDM) — render a data set, train, sample, inpaint,
// evaluate, benchmark. Image files need the OpenCV imaging target; packed data sets (.mspack)
// and the benchmark work without it (e.g. on a headless GPU server).
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/ConceptEvaluation.h"
#include "api/ConceptLearning.h"
#include "api/ImageEvaluation.h"
#include "api/ImageSession.h"
#include "api/ImageTraining.h"
#include "api/MaskFollowing.h"
#include "api/RenderFrame.h"
#include "api/TargetMask.h"
#include "app/cli/CliCommon.h"
#include "app/cli/DistributedOptions.h"
#include "app/cli/Commands.h"
#include "app/cli/ImageInput.h"
#include "core/io/ImagePack.h"
#include "core/runtime/TorchRuntime.h"
#include "experiments/ImageBenchmark.h"
#include "mcvae/PreparedData.h"
#include "mcvae/Preset.h"
#ifdef MASKSTUDIO_HAVE_IMAGING
#include "imaging/DesignImageSet.h"
#include "imaging/ImageFolderReader.h"
#endif

namespace ms::cli {
namespace {

namespace fs = std::filesystem;

[[noreturn, maybe_unused]] void needImaging(const std::string& what) {
    throw std::runtime_error(what + " needs image files, and this build has no OpenCV imaging target; use a .mspack data set");
}

std::vector<double> parseList(const std::string& text) {
    std::vector<double> v;
    std::stringstream s(text);
    for (std::string part; std::getline(s, part, ',');) v.push_back(std::stod(part));
    return v;
}

void addSamplerOptions(CLI::App* cmd, api::ImageSampleRequest& r) {
    cmd->add_option("--seed", r.seed, "noise seed (same seed and conditions, same image)");
    cmd->add_option("--sampler", r.sampler, "ddim or ddpm")->check(CLI::IsMember({"ddim", "ddpm"}));
    cmd->add_option("--steps", r.steps, "sampler steps (DDPM with 1000 = the original sampler)");
    cmd->add_option("--eta", r.eta, "DDIM eta (0 deterministic)");
    cmd->add_option("--guidance", r.guidance, "classifier-free guidance scale (1 = off)");
}

#ifdef MASKSTUDIO_HAVE_IMAGING
void writeImages(const api::ImagePixels& p, const std::string& prefix) {
    const std::size_t plane = static_cast<std::size_t>(p.channels * p.size * p.size);
    for (int64_t i = 0; i < p.count; ++i) {
        const std::string path = p.count == 1 ? prefix + ".png" : prefix + "-" + std::to_string(i) + ".png";
        imaging::writePngImage(path, p.data.data() + static_cast<std::size_t>(i) * plane, static_cast<int>(p.channels),
                      static_cast<int>(p.size), static_cast<int>(p.size));
        std::cout << "wrote " << path << "\n";
    }
}

// One image for inpainting at the model's size (scaled, with a note, when it has another).
api::ImagePixels readModelImage(const std::string& path, int channels, int size) {
    const imaging::ImageFile f = imaging::readImageFile(path, channels, size);
    if (f.originalWidth != size || f.originalHeight != size)
        std::cerr << "note: " << path << " is " << f.originalWidth << "x" << f.originalHeight << "; scaled to " << size << "x"
                  << size << "\n";
    return api::ImagePixels{1, f.channels, size, f.pixels};
}

// A target shape PNG, as it is (a wrong size is an error, not scaled: the user drew it for a frame).
api::ImagePixels readTargetMask(const std::string& path, int size) {
    const imaging::ImageFile f = imaging::readImageFile(path, 1, size);
    api::ImagePixels mask{1, 1, f.originalWidth == f.originalHeight ? f.originalWidth : 0, f.pixels};
    if (f.originalWidth != f.originalHeight)
        throw std::invalid_argument(path + ": the target shape is " + std::to_string(f.originalWidth) + " x " +
                                    std::to_string(f.originalHeight) + " pixels; this model makes " + std::to_string(size) +
                                    " x " + std::to_string(size) + " images");
    if (const std::string problem = api::targetMaskProblem(mask, size); !problem.empty())
        throw std::invalid_argument(path + ": " + problem);
    return mask;
}
#endif

struct ImageRenderOptions {
    std::string data;
    std::string preset;
    int size = 64;
    std::size_t limit = 0;
    std::string out;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--data", data, "keypoint CSV (e.g. models/bike.csv or ../shared/data/geobiked/df_parameters_final.csv)")
            ->required();
        cmd->add_option("--preset", preset, "preset for the CSV's columns (e.g. geobiked, bike)");
        cmd->add_option("--size", size, "image size in pixels (square)")->check(CLI::Range(16, 1024));
        cmd->add_option("--limit", limit, "render only the first N rows");
        cmd->add_option("--out", out, "output folder: PNGs, conditions.csv and images.mspack")->required();
    }
    void validate() const {}
};

void runImageRender([[maybe_unused]] const ImageRenderOptions& o) {
#ifdef MASKSTUDIO_HAVE_IMAGING
    initTorchRuntime(1);
    const mcvae::PreparedData data = mcvae::prepareData(o.data, "", mcvae::loadPreset(o.preset.empty() ? "default" : o.preset));
    const imaging::RenderedImageSet r = imaging::renderDesignImageSet(data.schema, data.table, o.size, o.limit);
    imaging::writeImageFolder(r.images, o.out);
    ImageSet packed = r.images;
    packed.source = o.out;
    saveImagePack(packed, (fs::path(o.out) / "images.mspack").string());
    // The world window of the sketches: image train records it in the model, so the studio can
    // draw a design's target shape in the frame the model was trained in.
    api::writeRenderFrame({r.frame.minX, r.frame.minY, r.frame.size}, (fs::path(o.out) / api::kRenderFrameFile).string());
    std::cout << "rendered " << r.images.count() << " images of " << o.size << " px into " << o.out
              << " (frame x " << fixed(r.frame.minX, 1) << ".." << fixed(r.frame.minX + r.frame.size, 1) << ", y "
              << fixed(r.frame.minY, 1) << ".." << fixed(r.frame.minY + r.frame.size, 1) << " mm)\n";
#else
    needImaging("image render");
#endif
}

struct ImageTrainOptions {
    ImageInput input;
    api::ImageTrainRequest request;
    DistributedOptions distributed;
    int threads = 0;
    int progressEvery = 5;  // epochs between progress lines (and every stage's last epoch)
    std::string mult;      // empty: the request's channelMult
    std::string sparsity;  // empty: the request's schedule
    bool json = false;

    void addTo(CLI::App* cmd) {
        addImageInputOptions(cmd, input);
        cmd->add_option("--out", request.outPath, "image model to write (.msi)")->required();
        cmd->add_option("--preset", request.preset, "preset for the conditions' columns (e.g. geobiked)");
        cmd->add_option("--device", request.device, "cpu, cuda or auto");
        cmd->add_option("--threads", threads, "CPU threads (0: all cores)");
        cmd->add_option("--progress-every", progressEvery, "print a stage's loss every this many epochs (and at its last)")
            ->check(CLI::Range(1, 1000000));
        cmd->add_option("--seed", request.seed, "split and training seed");
        cmd->add_option("--test-fraction", request.testFraction, "held-out fraction (recorded for image eval)");
        cmd->add_option("--ae-epochs", request.aeEpochs, "autoencoder epochs");
        cmd->add_option("--ae-factor", request.aeFactor, "autoencoder downsampling, 4 or 8")->check(CLI::IsMember({4, 8}));
        cmd->add_option("--ae-channels", request.aeHidden, "autoencoder channels at full size, a multiple of 8 (doubled after each downsampling)")
            ->check(CLI::Range(8, 256));
        cmd->add_option("--encoder", request.encoderScript, "TorchScript encoder (instead of training an autoencoder)");
        cmd->add_option("--decoder", request.decoderScript, "TorchScript decoder");
        cmd->add_option("--epochs", request.epochs, "mcLDM epochs");
        cmd->add_option("--batch", request.batchSize, "batch size");
        cmd->add_option("--lr", request.lr, "mcLDM learning rate");
        cmd->add_option("--base", request.baseChannels, "U-Net base channels (paper: 64)");
        cmd->add_option("--mult", mult, "U-Net channel multipliers per level, e.g. 1,2,2,4");
        cmd->add_option("--sparsity", sparsity, "sparsity schedule KIND:START[:END] (empty: " + request.sparsity.describe() + ")");
        cmd->add_option("--resume", request.resumeFrom, "continue this run (same data, its own batch size) up to --epochs mcLDM epochs in total");
        cmd->add_option("--checkpoint-seconds", request.checkpointSeconds,
                        "also write the model (resumable) every this many seconds inside an epoch (0: only after every epoch)")
            ->check(CLI::Range(0.0, 86400.0));
        cmd->add_option("--fine-tune-from", request.fineTuneFrom, "start from this model's first stage and U-Net (same conditions)");
        cmd->add_flag("--cross-attention", request.crossAttention,
                      "MCGM: cross-attention to condition and target-shape tokens (then image sample --target-mask)");
        cmd->add_option("--mask-attention-weight", request.maskAttentionWeight,
                        "lambda_m of the mask cross-attention loss (0: off)")->check(CLI::Range(0.0, 10.0));
        cmd->add_option("--mask-dropout", request.maskDropout, "probability a training image's target shape is left out")
            ->check(CLI::Range(0.0, 1.0));
        cmd->add_option("--placement-shift", request.placementShift,
                        "random placement: each training image and its target shape moved by up to this many latent cells "
                        "(teaches that the shape says where the design goes)")->check(CLI::Range(0, 8));
        cmd->add_option("--first-stage-from", request.firstStageFrom,
                        "a new run on this model's autoencoder (same image size) instead of training one");
        cmd->add_flag("--fine-tune-first-stage", request.fineTuneFirstStage,
                      "with --fine-tune-from: also train its autoencoder --ae-epochs epochs");
        cmd->add_flag("--json", json, "print a JSON summary on the last line");
        distributed.addTo(cmd);
    }
    void validate() const {}  // resume vs fine-tune: the engine says why they exclude each other
};

void runImageTrain(const ImageTrainOptions& o) {
    initTorchRuntime(o.threads);
    api::ImageTrainRequest request = o.request;
    request.distributed = o.distributed.resolved();
    if (!o.sparsity.empty()) request.sparsity = parseSchedule(o.sparsity);
    if (!o.mult.empty()) {
        request.channelMult.clear();
        for (double m : parseList(o.mult)) request.channelMult.push_back(static_cast<int64_t>(m));
    }
    const ImageSet images = loadImageInput(o.input);
    const CancelToken& cancel = cancelOnInterrupt();
    const bool reports = request.distributed.rank == 0;  // every rank has the global loss: rank 0 prints it
    const api::ImageTrainResult res = api::trainImageModel(images, request, [&o, reports](const api::ImageTrainProgress& p) {
        if (reports && (p.epoch == p.epochs || p.epoch % o.progressEvery == 0))
            std::cerr << p.stage << " epoch " << p.epoch << "/" << p.epochs << " loss " << fixed(p.loss, 5) << " ("
                      << fixed(p.elapsedSeconds, 1) << " s)\n";
    }, cancel);
    restoreInterrupt();
    if (request.distributed.rank > 0) {  // rank 0 writes the model and reports it
        std::cout << request.distributed.who() << ": "
                  << (res.cancelled ? "stopped with the others" : "done") << " after " << res.completedEpochs << " mcLDM epochs\n";
        return;
    }
    if (res.cancelled) {
        if (res.modelPath.empty()) std::cout << "cancelled during the autoencoder's first epoch: nothing was written\n";
        else if (res.completedEpochs == 0)
            std::cout << "cancelled during the autoencoder stage: checkpoint " << res.modelPath << " (continue with --resume "
                      << res.modelPath << ")\n";
        else std::cout << "cancelled after " << res.completedEpochs << " mcLDM epochs: checkpoint " << res.modelPath
                       << " (continue with --resume " << res.modelPath << ")\n";
        return;
    }
    std::cout << "trained " << res.modelPath << " on " << res.trainRows << " images (" << res.testRows << " held out) on "
              << res.deviceName << ": autoencoder " << fixed(res.autoencoderSeconds, 1) << " s (held-out MSE "
              << fixed(res.reconstructionMse, 5) << "), mcLDM " << fixed(res.ldmSeconds, 1) << " s, final loss "
              << fixed(res.ldmLoss.empty() ? 0.0 : res.ldmLoss.back(), 5) << "\n";
    if (o.json)
        printJsonLine({{"model", res.modelPath}, {"device", res.deviceName}, {"train_rows", res.trainRows},
                       {"test_rows", res.testRows}, {"autoencoder_seconds", res.autoencoderSeconds},
                       {"ldm_seconds", res.ldmSeconds}, {"reconstruction_mse", res.reconstructionMse},
                       {"latent_scale", res.latentScale}, {"completed_epochs", res.completedEpochs},
                       {"autoencoder_loss", res.autoencoderLoss},
                       {"ldm_loss", res.ldmLoss}, {"ranks", request.distributed.worldSize},
                       {"collective_seconds", res.collectiveSeconds}, {"collective_calls", res.collectiveCalls}});
}

struct ImageSampleOptions {
    std::string model;
    std::string targetMask;
    std::vector<std::string> assignments;
    api::ImageSampleRequest request;
    std::string device = "auto";
    std::string out;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", model, "image model (.msi)")->required();
        cmd->add_option("conditions", assignments, "NAME=VALUE conditions");
        cmd->add_option("--n", request.count, "number of images")->check(CLI::Range(1, 1024));
        cmd->add_option("--target-mask", targetMask, "target shape PNG of the model's size: white = where the design goes "
                                                     "(models trained with --cross-attention)");
        cmd->add_option("--concept", request.concepts, "a concept learnt with image concept (repeatable; --guidance 3 draws its rarer parts more often)");
        addSamplerOptions(cmd, request);
        cmd->add_option("--device", device, "cpu, cuda or auto");
        cmd->add_option("--out", out, "output prefix: PREFIX.png or PREFIX-<i>.png")->required();
    }
    void validate() const {}
};

void runImageSample(const ImageSampleOptions& o) {
    initTorchRuntime(0);
    api::ImageSession session;
    session.load(o.model, o.device);
    api::ImageSampleRequest request = o.request;
    request.conditions = parseConditionAssignments(session.schema(), o.assignments);
    if (!o.targetMask.empty()) {
#ifdef MASKSTUDIO_HAVE_IMAGING
        request.targetMask = readTargetMask(o.targetMask, static_cast<int>(session.imageSize()));
#else
        needImaging("--target-mask");
#endif
    }
    const api::ImageSampleResult res = session.generate(request);
    std::cout << "generated " << res.images.count << " image(s) in " << fixed(res.seconds * 1000.0, 1) << " ms ("
              << request.sampler << ", " << request.steps << " steps)\n";
#ifdef MASKSTUDIO_HAVE_IMAGING
    writeImages(res.images, o.out);
#else
    needImaging("writing PNG files");
#endif
}

struct ImageInpaintOptions {
    std::string model;
    std::string image;
    std::string mask;
    std::vector<std::string> assignments;
    api::ImageSampleRequest request;
    std::string device = "auto";
    std::string out;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", model, "image model (.msi)")->required();
        cmd->add_option("--image", image, "image to edit (PNG of the model's size)")->required();
        cmd->add_option("--mask", mask, "mask PNG: white = re-generate")->required();
        cmd->add_option("conditions", assignments, "NAME=VALUE conditions");
        cmd->add_option("--seed", request.seed, "noise seed");
        cmd->add_option("--steps", request.repaintSteps, "respaced DDPM steps");
        cmd->add_option("--jump", request.jumpLength, "RePaint jump length");
        cmd->add_option("--resamples", request.resamples, "RePaint resamples per jump (1 = none)");
        cmd->add_option("--guidance", request.guidance, "classifier-free guidance scale");
        cmd->add_option("--device", device, "cpu, cuda or auto");
        cmd->add_option("--out", out, "output PNG prefix")->required();
    }
    void validate() const {}
};

void runImageInpaint([[maybe_unused]] const ImageInpaintOptions& o) {
#ifdef MASKSTUDIO_HAVE_IMAGING
    initTorchRuntime(0);
    api::ImageSession session;
    session.load(o.model, o.device);
    api::ImageSampleRequest request = o.request;
    request.conditions = parseConditionAssignments(session.schema(), o.assignments);
    const int size = static_cast<int>(session.imageSize());
    const api::ImagePixels base = readModelImage(o.image, static_cast<int>(session.imageChannels()), size);
    const api::ImagePixels mask = readModelImage(o.mask, 1, size);
    const api::ImageSampleResult res = session.inpaint(request, base, mask);
    std::cout << "inpainted in " << fixed(res.seconds, 2) << " s (" << res.stepsDone << " denoising steps)\n";
    writeImages(res.images, o.out);
#else
    needImaging("image inpaint");
#endif
}

struct ImageConceptOptions {
    api::ConceptRequest request;
    std::vector<std::string> images, masks;
    ImageInput prior;
    int threads = 0;
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", request.modelPath, "image model trained with --cross-attention")->required();
        cmd->add_option("--image", images, "picture of the concept, the model's size (repeatable: a few pictures)")->required();
        cmd->add_option("--mask", masks,
                        "its mask PNG: white = the concept (one per --image); 'ink': the picture's own drawn region, "
                        "dilated (the studio's Region from the picture)")
            ->required();
        cmd->add_option("--name", request.name, "the concept's name (then image sample --concept NAME)")->required();
        cmd->add_option("--out", request.outPath, "the model with the concept (.msi)")->required();
        addImageInputOptions(cmd, prior, false);  // --images: the pretraining data, for prior preservation
        cmd->add_option("--prior-rows", request.priorRows, "with --images: a random subset of this many for prior preservation");
        cmd->add_option("--stage1-steps", request.stage1Steps, "steps of stage 1 (the concept's token only)");
        cmd->add_option("--stage1-lr", request.stage1Lr, "learning rate of stage 1");
        cmd->add_option("--stage2-steps", request.stage2Steps, "steps of stage 2 (the U-Net and mask encoder too; 0: none)");
        cmd->add_option("--stage2-lr", request.stage2Lr, "learning rate of stage 2");
        cmd->add_option("--attention-weight", request.attentionWeight, "weight of the concept token's attention loss");
        cmd->add_option("--batch", request.batch, "concept pictures per step");
        cmd->add_option("--seed", request.seed, "noise seed");
        cmd->add_option("--device", request.device, "cpu, cuda or auto");
        cmd->add_option("--threads", threads, "CPU threads (0: all cores)");
        cmd->add_flag("--json", json, "print a JSON summary on the last line");
    }
    void validate() const {
        if (images.size() != masks.size()) throw CLI::ValidationError("--mask", "one --mask per --image");
    }
};

void runImageConcept([[maybe_unused]] const ImageConceptOptions& o) {
#ifdef MASKSTUDIO_HAVE_IMAGING
    initTorchRuntime(o.threads);
    api::ConceptRequest request = o.request;
    {
        api::ImageSession session;  // the model's size and channels for reading the pictures
        session.load(request.modelPath, "cpu");
        const int size = static_cast<int>(session.imageSize()), channels = static_cast<int>(session.imageChannels());
        request.images = api::ImagePixels{0, channels, size, {}};
        request.masks = api::ImagePixels{0, 1, size, {}};
        for (std::size_t i = 0; i < o.images.size(); ++i) {
            const api::ImagePixels picture = readModelImage(o.images[i], channels, size);
            const api::ImagePixels mask = o.masks[i] == "ink" ? api::silhouetteTargetShape(readModelImage(o.images[i], 1, size))
                                                               : readTargetMask(o.masks[i], size);
            request.images.data.insert(request.images.data.end(), picture.data.begin(), picture.data.end());
            request.masks.data.insert(request.masks.data.end(), mask.data.begin(), mask.data.end());
            ++request.images.count;
            ++request.masks.count;
        }
    }
    ImageSet prior;
    if (!o.prior.images.empty()) {
        prior = loadImageInput(o.prior);
        request.prior = &prior;
    }
    const CancelToken& cancel = cancelOnInterrupt();
    const api::ConceptResult res = api::learnConcept(request, [](const api::ConceptProgress& p) {
        if (p.step == p.steps || p.step % 50 == 0)
            std::cerr << "stage " << p.stage << " step " << p.step << "/" << p.steps << " loss " << fixed(p.loss, 5) << " ("
                      << fixed(p.elapsedSeconds, 1) << " s)\n";
    }, cancel);
    restoreInterrupt();
    std::cout << (res.cancelled ? "cancelled; saved the concept as learnt so far: " : "learnt the concept '") << request.name
              << (res.cancelled ? " in " : "' into ") << res.modelPath << " in " << fixed(res.seconds, 1) << " s on " << res.deviceName
              << " (stage 1: " << res.stage1Loss.size() << " steps, stage 2: " << res.stage2Loss.size() << " steps"
              << (request.prior ? ", prior preservation" : "") << ")\n";
    if (o.json)
        printJsonLine({{"model", res.modelPath}, {"seconds", res.seconds}, {"device", res.deviceName}, {"stage1_loss", res.stage1Loss},
                       {"stage2_loss", res.stage2Loss}, {"cancelled", res.cancelled}});
#else
    needImaging("image concept");
#endif
}

struct ImageEvalOptions {
    ImageInput input;
    api::ImageEvalRequest request;
    std::string sparsities;  // empty: the request's
    bool json = false;
    bool maskFollowing = false;
    int64_t placementShift = 0;
    std::string concept, conceptImage;

    void addTo(CLI::App* cmd) {
        addImageInputOptions(cmd, input);
        cmd->add_flag("--mask-following", maskFollowing,
                      "instead: how well a --cross-attention model follows target shapes (IoU with and without the shape, "
                      "attention IoU; --rows designs, five shapes each)");
        cmd->add_option("--placement-shift", placementShift,
                        "with --mask-following: move each held-out design by up to this many latent cells first")
            ->check(CLI::Range(0, 8));
        cmd->add_option("--concept", concept,
                        "instead: does this learnt concept come back in new shapes (--rows generations in other held-out "
                        "designs' silhouettes, every condition open; the classifier checks its classes)");
        cmd->add_option("--concept-image", conceptImage, "with --concept: the image set's file it was learnt from");
        cmd->add_option("--model", request.modelPath, "image model (.msi)")->required();
        cmd->add_option("--rows", request.rows, "held-out images to evaluate");
        cmd->add_option("--sparsities", sparsities, "comma-separated inference sparsities (empty: 0,0.1,...,0.9)");
        cmd->add_option("--sampler", request.sampler, "ddim or ddpm");
        cmd->add_option("--steps", request.steps, "sampler steps");
        cmd->add_option("--guidance", request.guidance, "classifier-free guidance scale");
        cmd->add_option("--seed", request.seed, "mask and noise seed");
        cmd->add_option("--classifier-epochs", request.classifierEpochs, "epochs of the controllability classifier");
        cmd->add_option("--device", request.device, "cpu, cuda or auto");
        cmd->add_flag("--json", json, "print the table as JSON on the last line");
    }
    void validate() const {
        if (!concept.empty() && conceptImage.empty()) throw CLI::ValidationError("--concept-image", "name the concept's image file");
        if (!concept.empty() && maskFollowing) throw CLI::ValidationError("--concept", "--concept or --mask-following, not both");
    }
};

// The model and sampling settings the three image evaluations share, from image eval's options.
template <typename Request>
Request withSharedEvalSettings(const api::ImageEvalRequest& from) {
    Request r;
    r.modelPath = from.modelPath;
    r.sampler = from.sampler;
    r.steps = from.steps;
    r.guidance = from.guidance;
    r.seed = from.seed;
    r.device = from.device;
    return r;
}

void runConceptEval(const ImageEvalOptions& o) {
    auto request = withSharedEvalSettings<api::ConceptEvalRequest>(o.request);
    request.concept = o.concept;
    request.conceptFile = o.conceptImage;
    request.count = o.request.rows;
    request.classifierEpochs = o.request.classifierEpochs;
    const api::ConceptEvalReport rep = api::evaluateConcept(loadImageInput(o.input), request);
    std::cout << "concept '" << request.concept << "' (" << request.conceptFile << "): " << rep.count
              << " generations, every condition open, each in another held-out design's silhouette; " << request.sampler << " "
              << request.steps << " steps, guidance " << request.guidance << ", on " << rep.device << ", " << fixed(rep.seconds, 1)
              << " s\nsilhouette IoU with the shape: " << fixed(rep.iouWith, 3) << " with the concept, " << fixed(rep.iouWithout, 3)
              << " without\n\n";
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < rep.conditions.size(); ++i)
        rows.push_back({rep.conditions[i], rep.conceptClasses[i], fixed(rep.withConcept[i], 3), fixed(rep.withoutConcept[i], 3),
                        fixed(rep.byConditions[i], 3)});
    printTable({"condition", "concept's class", "found with the concept", "without", "its conditions asked instead"}, rows);
    if (o.json)
        printJsonLine({{"conditions", rep.conditions}, {"concept_classes", rep.conceptClasses}, {"with", rep.withConcept},
                       {"without", rep.withoutConcept}, {"by_conditions", rep.byConditions}, {"iou_with", rep.iouWith}, {"iou_without", rep.iouWithout},
                       {"count", rep.count}, {"seconds", rep.seconds}});
}

void runMaskFollowingEval(const ImageEvalOptions& o) {
    auto request = withSharedEvalSettings<api::MaskFollowingRequest>(o.request);
    request.rows = o.request.rows;
    request.placementShift = o.placementShift;
    const api::MaskFollowingReport rep = api::evaluateMaskFollowing(loadImageInput(o.input), request);
    std::cout << "target shapes from " << rep.rows.front().shapes << " held-out designs, " << request.sampler << " "
              << request.steps << " steps, guidance " << request.guidance << ", on " << rep.device << ", "
              << fixed(rep.seconds, 1) << " s\n\n";
    std::vector<std::vector<std::string>> rows;
    nlohmann::json j = nlohmann::json::array();
    for (const auto& row : rep.rows) {
        rows.push_back({row.variant, std::to_string(row.shapes), fixed(row.iouWith, 3), fixed(row.iouWithout, 3),
                        fixed(row.iouWith - row.iouWithout, 3), fixed(row.attentionIoU, 3)});
        j.push_back({{"variant", row.variant}, {"shapes", row.shapes}, {"iou_with", row.iouWith}, {"iou_without", row.iouWithout},
                     {"attention_iou", row.attentionIoU}});
    }
    printTable({"shape", "n", "IoU with shape", "IoU without", "gain", "attention IoU"}, rows);
    if (o.json) printJsonLine({{"rows", j}, {"device", rep.device}, {"seconds", rep.seconds}});
}

void runImageEval(const ImageEvalOptions& o) {
    initTorchRuntime(0);
    if (o.maskFollowing) return runMaskFollowingEval(o);
    if (!o.concept.empty()) return runConceptEval(o);
    api::ImageEvalRequest request = o.request;
    if (!o.sparsities.empty()) request.sparsities = parseList(o.sparsities);
    const api::ImageEvalReport rep = api::evaluateImageModel(loadImageInput(o.input), request);
    std::cout << rep.testImages << " held-out images, " << request.sampler << " " << request.steps << " steps, guidance "
              << request.guidance << ", on " << rep.device << ", " << fixed(rep.seconds, 1) << " s\n";
    std::cout << "classifier accuracy on the real held-out images:";
    for (std::size_t i = 0; i < rep.categoricalNames.size(); ++i)
        std::cout << " " << rep.categoricalNames[i] << " " << fixed(rep.classifierRealAccuracy[i], 3) << ";";
    std::cout << "\n\n";
    std::vector<std::vector<std::string>> rows;
    nlohmann::json j = nlohmann::json::array();
    for (const auto& row : rep.rows) {
        std::vector<std::string> cells{fixed(row.sparsity, 1), fixed(row.mse, 4) + " ± " + fixed(row.mseSd, 4),
                                       fixed(row.ssim, 4) + " ± " + fixed(row.ssimSd, 4), fixed(row.controllability, 3)};
        for (double a : row.perCondition) cells.push_back(a < 0 ? "-" : fixed(a, 3));
        rows.push_back(cells);
        j.push_back({{"sparsity", row.sparsity}, {"mse", row.mse}, {"mse_sd", row.mseSd}, {"ssim", row.ssim},
                     {"ssim_sd", row.ssimSd}, {"controllability", row.controllability}, {"per_condition", row.perCondition}});
    }
    std::vector<std::string> header{"sparsity", "MSE", "SSIM", "controllability"};
    for (const auto& n : rep.categoricalNames) header.push_back(n);
    printTable(header, rows);
    if (o.json)
        printJsonLine({{"rows", j}, {"conditions", rep.categoricalNames}, {"classifier_real", rep.classifierRealAccuracy},
                       {"test_images", rep.testImages}, {"device", rep.device}, {"seconds", rep.seconds}});
}

struct ImageBenchOptions {
    experiments::ImageBenchSettings settings;
    std::string batches;  // empty: the settings'
    int threads = 0;
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", settings.modelPath, "image model (empty: the default architecture, untrained)");
        cmd->add_option("--size", settings.size, "image size without --model");
        cmd->add_option("--batches", batches, "comma-separated batch sizes (empty: 1,4,16)");
        cmd->add_option("--steps", settings.steps, "DDIM steps");
        cmd->add_option("--guidance", settings.guidance, "guidance scale (!= 1 doubles the U-Net batch)");
        cmd->add_option("--iterations", settings.iterations, "timed calls per row (after one warm-up)");
        cmd->add_flag("--cross-attention-cost", settings.crossAttentionCost,
                      "a cross-attention model: also with a target shape, and the same U-Net without cross-attention");
        cmd->add_option("--device", settings.device, "cpu, cuda or auto");
        cmd->add_option("--threads", threads, "CPU threads (0: all cores)");
        cmd->add_flag("--json", json, "print the table as JSON on the last line");
    }
    void validate() const {}
};

void runImageBench(const ImageBenchOptions& o) {
    initTorchRuntime(o.threads);
    experiments::ImageBenchSettings settings = o.settings;
    if (!o.batches.empty()) {
        settings.batches.clear();
        for (double b : parseList(o.batches)) settings.batches.push_back(static_cast<int64_t>(b));
    }
    const experiments::ImageBenchReport r = experiments::runImageBenchmark(settings);
    const RuntimeInfo info = runtimeInfo();
    std::cout << r.model << ", " << r.size << " px, U-Net " << r.unetParameters / 1000 << "k parameters, DDIM " << r.steps
              << " steps, guidance " << settings.guidance << ", " << r.device << (r.cudaGraphs ? " (CUDA graph)" : "") << ", "
              << info.intraOpThreads << " thread(s), LibTorch " << info.torchVersion << "\n";
    std::vector<std::vector<std::string>> rows;
    nlohmann::json j = nlohmann::json::array();
    for (const auto& row : r.rows) {
        rows.push_back({row.variant, std::to_string(row.batch), fixed(row.p50Ms, 1), fixed(row.meanMs, 1), fixed(row.minMs, 1),
                        fixed(row.msPerImage, 1)});
        j.push_back({{"variant", row.variant}, {"batch", row.batch}, {"p50_ms", row.p50Ms}, {"mean_ms", row.meanMs},
                     {"min_ms", row.minMs}, {"ms_per_image", row.msPerImage}});
    }
    printTable({"U-Net", "batch", "p50 ms", "mean ms", "min ms", "ms / image"}, rows);
    if (r.graphMaxAbsDiff >= 0.0)
        std::cout << "CUDA graph vs eager sampler, max |difference| of one image: " << r.graphMaxAbsDiff << "\n";
    if (o.json) printJsonLine({{"rows", j}, {"device", r.device}, {"size", r.size}, {"steps", r.steps}});
}

}  // namespace

void addImageCommand(CLI::App& app) {
    auto* image = app.add_subcommand("image", "Image models (mcLDM): render, train, sample, inpaint, eval, bench");
    image->require_subcommand(1);
    addCommand<ImageRenderOptions>(image, "render", "Render a keypoint CSV (synthetic or GeoBIKED) into an image data set", runImageRender);
    addCommand<ImageTrainOptions>(image, "train", "Train an image model (KL autoencoder + mcLDM) on images with conditions", runImageTrain);
    addCommand<ImageSampleOptions>(image, "sample", "Generate images for a set of conditions (NAME=VALUE; others unknown)", runImageSample);
    addCommand<ImageInpaintOptions>(image, "inpaint", "Re-generate the masked region of an image (RePaint)", runImageInpaint);
    addCommand<ImageConceptOptions>(image, "concept", "Learn a concept from a picture and its mask (two-stage fine-tune)",
                                    runImageConcept);
    addCommand<ImageEvalOptions>(image, "eval", "MSE / SSIM per inference sparsity and controllability on held-out images", runImageEval);
    addCommand<ImageBenchOptions>(image, "bench", "Image generation speed: DDIM + decode per batch size", runImageBench);
}

}  // namespace ms::cli
