// `partial`: diffusion learned from incomplete designs only (seed 003, Work I). `train` learns from
// a keypoint CSV whose keypoint cells may be empty, `impute` fills a CSV's empty keypoint and
// output cells, `sample` completes designs for conditions and pinned keypoints, `bench` runs the
// Gaussian AR(1) case whose Bayes-optimal answer is known, `bench-keypoints` and `bench-images`
// the GeoBIKED and Fashion-MNIST comparisons.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "api/PartialImages.h"
#include "api/PartialTable.h"
#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"
#include "app/cli/DistributedOptions.h"
#include "app/cli/ImageInput.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "experiments/PartialAr1Benchmark.h"
#include "experiments/PartialImageBenchmark.h"
#include "experiments/PartialKeypointBenchmark.h"
#ifdef MASKSTUDIO_HAVE_IMAGING
#include "imaging/ImageFolderReader.h"
#include "imaging/ObservationMasks.h"
#endif

namespace ms::cli {

namespace {

std::string linesText(const std::vector<long>& lines) {
    std::string text;
    for (std::size_t i = 0; i < lines.size() && i < 10; ++i) text += (i ? ", " : "") + std::to_string(lines[i]);
    if (lines.size() > 10) text += ", ...";
    return text;
}

// The benchmarks' lists of ensemble sizes and inference step counts.
void addOmegaOption(CLI::App* cmd, std::string& omega) {
    cmd->add_option("--omega", omega, "multi-step omega schedule: alphabar (ends on a draw), 1-alphabar (ends on the single-step mean), linear")
        ->check(CLI::IsMember({"alphabar", "1-alphabar", "linear"}));
}

void validateEnsembleLists(const std::vector<int64_t>& members, const std::vector<int64_t>& steps) {
    for (int64_t k : members)
        if (k < 1) throw CLI::ValidationError("--members", "every K must be at least 1");
    for (int64_t n : steps)
        if (n < 0 || n == 1) throw CLI::ValidationError("--steps", "0 (single step) or at least 2");
}

struct PartialTrainOptions {
    api::PartialTrainRequest request;
    ImageInput images;
    DistributedOptions distributed;
    std::string context = "auto";
    int64_t unetChannels = 32;
    CLI::Option* batchOption = nullptr;
    CLI::Option* lrOption = nullptr;
    bool json = false;

    void addTo(CLI::App* cmd) {
        api::PartialTrainRequest& r = request;
        cmd->add_option("--data", r.dataPath, "keypoint CSV; empty keypoint and output cells are unobserved");
        addImageInputOptions(cmd, images, false);
        cmd->add_option("--schema", r.schemaPath, "schema JSON (empty: inferred from the CSV, as `schema` does)");
        cmd->add_option("--preset", r.preset, "column overrides of a preset when inferring the schema (geobiked, bike, car)");
        cmd->add_option("--out", r.outPath, "model to write (.mpd)")->required();
        cmd->add_option("--updates", r.updates, "optimizer updates (0 = about 30 passes over the rows, 15,000 to 40,000; images 2,000 to 20,000)");
        batchOption = cmd->add_option("--batch", r.batchSize, "batch size (images: 64 unless set)")->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
        cmd->add_option("--hidden", r.hidden, "units per layer (vectors)")->check(CLI::Range(int64_t{8}, int64_t{8192}));
        cmd->add_option("--blocks", r.blocks, "residual blocks (vectors)")->check(CLI::Range(int64_t{1}, int64_t{64}));
        cmd->add_option("--unet-channels", unetChannels, "U-Net base channels (images; a multiple of 8)")->check(CLI::Range(int64_t{8}, int64_t{512}));
        lrOption = cmd->add_option("--lr", r.lr, "learning rate (cosine decay to 0; images: 1e-3 unless set)");
        cmd->add_option("--delta", r.delta, "probability that an observed keypoint (or pixel) is left out of the context")
            ->check(CLI::Range(0.0, 0.95));
        cmd->add_option("--context", context, "the partition into context and query. Tables: keypoint (whole keypoints left out), iid (single "
                        "cells), prior (a prior learnt over the rows' gaps, Work II, about a minute more) or auto (prior when some "
                        "entries' gaps go together). Images: iid pixels, block (like the data's own), prior, or auto (blocks for "
                        "block-shaped masks, prior when blocks and scattered gaps are mixed)")
            ->check(CLI::IsMember({"keypoint", "iid", "block", "prior", "auto"}));
        cmd->add_option("--mask-prior", r.maskPriorPath, "tables: contexts from this prior (.mpr from `partial maskprior train`)");
        cmd->add_option("--prior-updates", r.priorUpdates, "the learnt prior's updates (0: 20,000 for a table, 6,000 for images)")
            ->check(CLI::NonNegativeNumber);
        cmd->add_option("--region", r.region, "where the loss is taken: query (Work I), all-observed, no-split (ablations)")
            ->check(CLI::IsMember({"query", "all-observed", "no-split"}));
        cmd->add_option("--low-noise-share", r.lowNoiseShare, "share of rows trained at small noise (t < 50)")->check(CLI::Range(0.0, 1.0));
        cmd->add_option("--seed", r.seed, "seed");
        cmd->add_flag("--json", json, "print a JSON summary on the last line");
        distributed.addTo(cmd);
    }
    void validate() const {
        if (request.dataPath.empty() == images.images.empty())
            throw CLI::ValidationError("--data / --images", "name a keypoint CSV (--data) or an image folder (--images), one of them");
        if (unetChannels % 8 != 0) throw CLI::ValidationError("--unet-channels", "a multiple of 8");
        const bool table = !request.dataPath.empty();
        if (table && context == "block") throw CLI::ValidationError("--context", "block is for images; a table's are keypoint, iid, prior or auto");
        if (!table && context == "keypoint") throw CLI::ValidationError("--context", "keypoint is for tables; images' are iid, block, prior or auto");
        if (!table && !request.maskPriorPath.empty()) throw CLI::ValidationError("--mask-prior", "for tables (--data)");
    }
};

void runPartialTrainOnImages(const PartialTrainOptions& o) {
#ifdef MASKSTUDIO_HAVE_IMAGING
    const imaging::ObservedImages data = loadObservedImageInput(o.images);
    api::PartialImageTrainRequest r;
    r.outPath = o.request.outPath;
    r.preset = o.request.preset == "default" ? "" : o.request.preset;
    r.updates = o.request.updates;
    if (o.batchOption->count() > 0) r.batchSize = o.request.batchSize;
    if (o.lrOption->count() > 0) r.lr = o.request.lr;
    r.baseChannels = o.unetChannels;
    r.delta = o.request.delta;
    r.context = o.context;
    if (o.request.priorUpdates > 0) r.priorUpdates = o.request.priorUpdates;
    r.seed = o.request.seed;
    r.distributed = o.distributed.resolved();
    const bool reports = r.distributed.rank == 0;  // every rank has the global loss: rank 0 prints it
    const CancelToken& cancel = cancelOnInterrupt();
    const api::PartialImageTrainResult res = api::trainPartialOnImages(data.images, data.observed, r, [reports](int64_t epoch, double loss) {
        if (reports && epoch % 10 == 0) std::cerr << "epoch " << epoch << " loss " << fixed(loss, 4) << "\n";
    }, cancel);
    restoreInterrupt();
    if (r.distributed.rank > 0) {  // rank 0 writes the model and reports it
        std::cout << r.distributed.who() << ": done, " << res.updates << " updates\n";
        return;
    }
    std::cout << "trained " << r.outPath << ": " << res.images << " images, " << res.imagesWithGaps << " with hidden pixels ("
              << fixed(100.0 * res.observedFraction, 1) << " % of pixels observed), contexts: " << res.context << ", " << res.updates
              << " updates in " << fixed(res.seconds, 1) << " s, final loss " << fixed(res.finalLoss, 4) << "\n";
    if (o.json)
        printJsonLine({{"model", r.outPath}, {"images", res.images}, {"images_with_gaps", res.imagesWithGaps},
                       {"observed_fraction", res.observedFraction}, {"context", res.context}, {"updates", res.updates},
                       {"final_loss", res.finalLoss}, {"seconds", res.seconds}});
#else
    throw std::runtime_error("observation masks are image files, and this build has no OpenCV imaging target");
#endif
}

void runPartialTrain(const PartialTrainOptions& o) {
    initTorchRuntime(0);
    if (!o.images.images.empty()) return runPartialTrainOnImages(o);
    const CancelToken& cancel = cancelOnInterrupt();
    api::PartialTrainRequest request = o.request;
    request.context = o.context;
    request.distributed = o.distributed.resolved();
    const bool reports = request.distributed.rank == 0;  // every rank has the global loss: rank 0 prints it
    const api::PartialTrainResult res = api::trainPartialOnCsv(request, [reports](int64_t epoch, double loss) {
        if (reports && epoch % 50 == 0) std::cerr << "epoch " << epoch << " loss " << fixed(loss, 4) << "\n";
    }, cancel);
    restoreInterrupt();
    if (request.distributed.rank > 0) {  // rank 0 writes the model and reports it
        std::cout << request.distributed.who() << ": done, " << res.updates
                  << " updates\n";
        return;
    }
    std::cout << "trained " << o.request.outPath << ": " << res.rows << " rows, " << res.rowsWithGaps << " with missing keypoints ("
              << fixed(100.0 * res.observedFraction, 1) << " % of keypoint and output cells observed), " << res.updates
              << " updates in " << fixed(res.seconds, 1) << " s, final loss " << fixed(res.finalLoss, 4) << "\n"
              << "contexts: " << res.context << "\n";
    if (!res.skippedLines.empty())
        std::cout << "skipped " << res.skippedLines.size() << " rows without any keypoint value (" << o.request.dataPath
                  << " lines " << linesText(res.skippedLines) << ")\n";
    if (o.json)
        printJsonLine({{"model", o.request.outPath}, {"rows", res.rows}, {"rows_with_gaps", res.rowsWithGaps},
                       {"skipped_rows", res.skippedLines.size()}, {"skipped_lines", res.skippedLines},
                       {"observed_fraction", res.observedFraction}, {"context", res.context}, {"updates", res.updates},
                       {"final_loss", res.finalLoss}, {"seconds", res.seconds}});
}

struct PartialImputeOptions {
    api::PartialImputeRequest request;
    ImageInput images;
    bool json = false;

    void addTo(CLI::App* cmd) {
        api::PartialImputeRequest& r = request;
        cmd->add_option("--model", r.modelPath, "partial-observation model (.mpd from `partial train`)")->required();
        cmd->add_option("--data", r.dataPath, "CSV with empty keypoint / output cells");
        addImageInputOptions(cmd, images, false);
        cmd->add_option("--out", r.outPath, "CSV to write: the same cells, the empty ones filled (images: a folder for the completed PNGs)")
            ->required();
        cmd->add_option("--members", r.members, "ensemble members K (contexts averaged per row)")->check(CLI::Range(int64_t{1}, int64_t{4096}));
        cmd->add_option("--steps", r.steps, "0: single step; 2 or more: DDIM steps")->check(CLI::Range(int64_t{0}, int64_t{1000}));
        addOmegaOption(cmd, r.omega);
        cmd->add_option("--seed", r.seed, "seed");
        cmd->add_flag("--json", json, "print a JSON summary on the last line");
    }
    void validate() const {
        if (request.steps == 1) throw CLI::ValidationError("--steps", "0 (single step) or at least 2");
        if (request.dataPath.empty() == images.images.empty())
            throw CLI::ValidationError("--data / --images", "name a CSV (--data) or an image folder (--images), one of them");
    }
};

void runPartialImputeImages(const PartialImputeOptions& o) {
#ifdef MASKSTUDIO_HAVE_IMAGING
    const Stopwatch clock;
    const imaging::ObservedImages data = loadObservedImageInput(o.images);
    const std::vector<uint8_t> filled = api::completeImagesWithPartial(
        o.request.modelPath, data.images, data.observed, {o.request.members, o.request.steps, o.request.seed, o.request.omega});
    std::filesystem::create_directories(o.request.outPath);
    const ImageSet& im = data.images;
    const std::size_t plane = static_cast<std::size_t>(im.channels * im.size * im.size);
    int64_t hidden = 0;
    for (uint8_t seen : data.observed) hidden += seen == 0;
    for (int64_t i = 0; i < im.count(); ++i) {
        const std::filesystem::path name = std::filesystem::path(im.files[static_cast<std::size_t>(i)]).filename().replace_extension(".png");
        imaging::writePngImage((std::filesystem::path(o.request.outPath) / name).string(), filled.data() + static_cast<std::size_t>(i) * plane,
                               static_cast<int>(im.channels), static_cast<int>(im.size), static_cast<int>(im.size));
    }
    std::cout << "wrote " << im.count() << " images to " << o.request.outPath << ": " << hidden << " hidden pixels filled, "
              << data.report.withMask << " image(s) had a mask, " << fixed(clock.seconds(), 2) << " s\n";
    if (o.json)
        printJsonLine({{"out", o.request.outPath}, {"images", im.count()}, {"with_mask", data.report.withMask},
                       {"filled_pixels", hidden}, {"seconds", clock.seconds()}});
#else
    throw std::runtime_error("observation masks are image files, and this build has no OpenCV imaging target");
#endif
}

void runPartialImpute(const PartialImputeOptions& o) {
    initTorchRuntime(0);
    if (!o.images.images.empty()) return runPartialImputeImages(o);
    const api::PartialImputeResult res = api::imputeCsvWithPartial(o.request);
    std::cout << "wrote " << o.request.outPath << ": " << res.filledCells << " empty cells filled in " << res.rows << " rows, "
              << fixed(res.seconds, 2) << " s\n";
    if (!res.skippedLines.empty())
        std::cout << "left " << res.skippedLines.size() << " rows without any keypoint value as they were (lines "
                  << linesText(res.skippedLines) << ")\n";
    if (!res.unseenClasses.empty())
        std::cerr << "note: " << o.request.dataPath << " has classes " << o.request.modelPath
                  << " never saw, completed as unknown conditions: " << describeUnseenClasses(res.unseenClasses) << "\n";
    if (o.json) {
        nlohmann::json unseen = nlohmann::json::array();
        for (const UnseenClass& u : res.unseenClasses)
            unseen.push_back({{"column", u.column}, {"class", u.value}, {"rows", u.cells}, {"first_line", u.firstLine}});
        printJsonLine({{"out", o.request.outPath}, {"rows", res.rows}, {"filled_cells", res.filledCells},
                       {"skipped_rows", res.skippedLines.size()}, {"unseen_classes", unseen}, {"seconds", res.seconds}});
    }
}

struct PartialSampleOptions {
    api::PartialSampleRequest request;
    bool json = false;

    void addTo(CLI::App* cmd) {
        api::PartialSampleRequest& r = request;
        cmd->add_option("--model", r.modelPath, "partial-observation model (.mpd)")->required();
        cmd->add_option("conditions", r.conditions, "NAME=VALUE known conditions; unnamed ones are unknown");
        cmd->add_option("--pin", r.pins, "pinned keypoint KEYPOINT=X,Y (repeatable), kept exactly")->allow_extra_args(false);
        cmd->add_option("--count", r.count, "designs to write")->check(CLI::Range(int64_t{1}, int64_t{100000}));
        cmd->add_option("--members", r.members, "ensemble members K")->check(CLI::Range(int64_t{1}, int64_t{4096}));
        cmd->add_option("--steps", r.steps, "DDIM steps (2 or more: designs with spread; 0: the single-step mean)")
            ->check(CLI::Range(int64_t{0}, int64_t{1000}));
        addOmegaOption(cmd, r.omega);
        cmd->add_option("--seed", r.seed, "seed");
        cmd->add_option("--out", r.outPath, "CSV to write (keypoint and output columns, then the conditions)")->required();
        cmd->add_flag("--json", json, "print a JSON summary on the last line");
    }
    void validate() const {
        if (request.steps == 1) throw CLI::ValidationError("--steps", "0 (single step) or at least 2");
    }
};

void runPartialSample(const PartialSampleOptions& o) {
    initTorchRuntime(0);
    const api::PartialSampleResult res = api::samplePartialDesigns(o.request);
    std::cout << "wrote " << res.designs << " designs to " << o.request.outPath << " in " << fixed(res.seconds, 2) << " s\n";
    if (o.json) printJsonLine({{"out", o.request.outPath}, {"designs", res.designs}, {"seconds", res.seconds}});
}

struct PartialBenchOptions {
    experiments::PartialAr1Settings settings;
    bool noAblation = false;
    bool json = false;

    void addTo(CLI::App* cmd) {
        experiments::PartialAr1Settings& s = settings;
        cmd->add_option("--dims", s.dims, "vector length")->check(CLI::Range(int64_t{2}, int64_t{1024}));
        cmd->add_option("--rho", s.rho, "AR(1) correlation")->check(CLI::Range(-0.999, 0.999));
        cmd->add_option("--missing", s.missing, "MCAR share of missing entries")->check(CLI::Range(0.0, 0.95));
        cmd->add_option("--train-rows", s.trainRows, "incomplete training vectors")->check(CLI::PositiveNumber);
        cmd->add_option("--test-rows", s.testRows, "test vectors (their own masks)")->check(CLI::PositiveNumber);
        cmd->add_option("--updates", s.updates, "optimizer updates per model")->check(CLI::PositiveNumber);
        cmd->add_option("--ablation-updates", s.ablationUpdates, "the ablation's (model B's) updates (0: as --updates)")
            ->check(CLI::NonNegativeNumber);
        cmd->add_option("--batch", s.batchSize, "batch size")->check(CLI::PositiveNumber);
        cmd->add_option("--hidden", s.hidden, "units per layer")->check(CLI::PositiveNumber);
        cmd->add_option("--blocks", s.blocks, "residual blocks")->check(CLI::PositiveNumber);
        cmd->add_option("--lr", s.lr, "learning rate");
        cmd->add_option("--delta", s.delta, "context drop probability")->check(CLI::Range(0.0, 0.95));
        cmd->add_option("--low-noise-share", s.lowNoiseShare, "share of rows trained at t < 50")->check(CLI::Range(0.0, 1.0));
        cmd->add_option("--members", s.members, "ensemble sizes K")->delimiter(',');
        cmd->add_option("--steps", s.steps, "inference steps (0: single step; n >= 2: DDIM)")->delimiter(',');
        cmd->add_option("--seed", s.seed, "seed");
        cmd->add_flag("--no-ablation", noAblation, "train model A only (without it: also B, no context/query split)");
        cmd->add_flag("--json", json, "print the table as JSON on the last line");
    }
    void validate() const { validateEnsembleLists(settings.members, settings.steps); }
};

void runPartialBench(const PartialBenchOptions& o) {
    initTorchRuntime(0);
    experiments::PartialAr1Settings s = o.settings;
    s.ablation = !o.noAblation;
    const experiments::PartialAr1Result res = experiments::runPartialAr1Benchmark(s, cancelOnInterrupt());
    restoreInterrupt();
    std::cout << "Gaussian AR(1): " << s.dims << " dims, rho " << s.rho << ", " << fixed(100 * s.missing, 0) << " % MCAR, "
              << s.trainRows << " incomplete training rows, " << s.testRows << " test rows; Bayes MSE " << fixed(res.bayesMse)
              << " (expected " << fixed(res.bayesExpectedMse) << ")\n";
    for (const auto& [model, seconds] : res.trainSeconds) std::cout << "model " << model << " trained in " << fixed(seconds, 1) << " s\n";
    std::vector<std::vector<std::string>> rows;
    nlohmann::json table = nlohmann::json::array();
    for (const experiments::PartialAr1Row& r : res.rows) {
        rows.push_back({r.model, std::to_string(r.members), r.steps == 0 ? "single" : std::to_string(r.steps), fixed(r.mse),
                        fixed(r.ratioToBayes, 3), fixed(r.msPerRow, 3)});
        table.push_back({{"model", r.model}, {"members", r.members}, {"steps", r.steps}, {"mse", r.mse},
                         {"ratio_to_bayes", r.ratioToBayes}, {"ms_per_row", r.msPerRow}});
    }
    printTable({"model", "K", "steps", "MSE (missing)", "x Bayes", "ms / row"}, rows);
    if (o.json) printJsonLine({{"bayes_mse", res.bayesMse}, {"bayes_expected_mse", res.bayesExpectedMse}, {"rows", table}});
}

struct PartialKeypointBenchOptions {
    experiments::PartialKeypointSettings settings;
    bool json = false;

    void addTo(CLI::App* cmd) {
        experiments::PartialKeypointSettings& s = settings;
        cmd->add_option("--data", s.dataPath, "complete keypoint CSV (e.g. ../shared/data/geobiked/df_parameters_final.csv)")->required();
        cmd->add_option("--preset", s.preset, "column overrides of a preset for the schema");
        cmd->add_option("--removed", s.removed, "share of each row's keypoints removed (fixed per row)")->check(CLI::Range(0.05, 0.9));
        cmd->add_option("--updates", s.updates, "optimizer updates of A and the oracle")->check(CLI::PositiveNumber);
        cmd->add_option("--hidden", s.hidden, "units per layer of A and the oracle")->check(CLI::PositiveNumber);
        cmd->add_option("--blocks", s.blocks, "residual blocks of A and the oracle")->check(CLI::PositiveNumber);
        cmd->add_option("--delta", s.delta, "context drop probability")->check(CLI::Range(0.0, 0.95));
        cmd->add_option("--low-noise-share", s.lowNoiseShare, "share of rows trained at small noise (t < 50)")->check(CLI::Range(0.0, 1.0));
        cmd->add_option("--members", s.members, "ensemble members K (and SFARM draws averaged)")->check(CLI::PositiveNumber);
        cmd->add_option("--models", s.models, "models to run: A, oracle, sfarm, miwae")->delimiter(',');
        cmd->add_option("--sfarm-epochs", s.sfarmEpochs, "design SFARM epochs")->check(CLI::PositiveNumber);
        cmd->add_option("--miwae-epochs", s.miwaeEpochs, "MIWAE epochs")->check(CLI::PositiveNumber);
        cmd->add_option("--seed", s.seed, "split, mask and training seed");
        cmd->add_flag("--json", json, "print the table as JSON on the last line");
    }
    void validate() const {}
};

void runPartialKeypointBench(const PartialKeypointBenchOptions& o) {
    initTorchRuntime(0);
    const experiments::PartialKeypointResult res = experiments::runPartialKeypointBenchmark(o.settings, cancelOnInterrupt());
    restoreInterrupt();
    std::cout << o.settings.dataPath << ": " << res.trainRows << " training rows and " << res.testRows << " held-out rows, "
              << fixed(100 * o.settings.removed, 0) << " % of each row's keypoints removed (" << res.removedCoordinates
              << " held-out coordinates to fill)\n";
    std::vector<std::vector<std::string>> rows;
    nlohmann::json table = nlohmann::json::array();
    const double oracle = [&] {
        for (const auto& r : res.rows)
            if (r.model == "oracle") return r.mse;
        return 0.0;
    }();
    for (const experiments::PartialKeypointRow& r : res.rows) {
        rows.push_back({r.model, fixed(r.mse, 5), oracle > 0 ? fixed(r.mse / oracle, 3) : "-", fixed(r.trainSeconds, 1),
                        fixed(r.msPerRow, 3), r.msOneDesign > 0 ? fixed(r.msOneDesign, 2) : "-"});
        table.push_back({{"model", r.model}, {"mse", r.mse}, {"train_seconds", r.trainSeconds}, {"ms_per_row", r.msPerRow},
                         {"ms_one_design", r.msOneDesign}});
    }
    printTable({"model", "MSE (removed, [0,1] units)", "x oracle", "train s", "ms / row (batch)", "ms, one design alone"}, rows);
    if (o.json) printJsonLine({{"train_rows", res.trainRows}, {"test_rows", res.testRows}, {"rows", table}});
}

struct PartialImageBenchOptions {
    experiments::PartialImageSettings settings;
    int threads = 0;
    bool json = false;

    void addTo(CLI::App* cmd) {
        experiments::PartialImageSettings& s = settings;
        s.folder = "/usr/share/datasets/fashion-mnist";
        cmd->add_option("--data", s.folder, "folder with Fashion-MNIST's IDX files (Debian's dataset-fashion-mnist)");
        cmd->add_option("--scenario", s.scenario, "observation masks: iid (50 % pixels), block (one 14 x 14 square), mixture (half each, iid at 30 %)")
            ->check(CLI::IsMember({"iid", "block", "mixture"}));
        cmd->add_option("--train-images", s.trainImages, "incomplete training images (from the start of the training set)")
            ->check(CLI::PositiveNumber);
        cmd->add_option("--test-images", s.testImages, "test images (their own masks)")->check(CLI::PositiveNumber);
        cmd->add_option("--updates", s.updates, "optimizer updates of A, B and D (C and E: as many passes)")->check(CLI::PositiveNumber);
        cmd->add_option("--batch", s.batchSize, "batch size")->check(CLI::PositiveNumber);
        cmd->add_option("--channels", s.baseChannels, "U-Net base channels (a multiple of 8)")->check(CLI::PositiveNumber);
        cmd->add_option("--lr", s.lr, "learning rate");
        cmd->add_option("--delta", s.deltas, "A's context drop probabilities (i.i.d. pixels)")->delimiter(',');
        cmd->add_option("--members", s.members, "ensemble sizes K")->delimiter(',');
        cmd->add_option("--steps", s.steps, "inference steps (0: single step; n >= 2: DDIM)")->delimiter(',');
        cmd->add_option("--models", s.models,
                        "models to run: A, B, C, D, E, W (Work II: contexts from a learnt mask prior), WC / WG (W with the "
                        "prior's draws guided by each image's mask: clamped anchors / gradient guidance)")
            ->delimiter(',');
        cmd->add_option("--prior-updates", s.priorUpdates, "W: the mask prior's updates")->check(CLI::PositiveNumber);
        cmd->add_option("--prior-pool", s.priorPool, "W: prior draws the contexts are made from")->check(CLI::PositiveNumber);
        cmd->add_option("--prior-steps", s.priorSteps, "W: the prior sampler's steps")->check(CLI::PositiveNumber);
        cmd->add_option("--prior", s.priorPath, "W, WC, WG: the mask prior (.mpr of 28 x 28 masks): read when it exists (no training), else written after training");
        cmd->add_option("--rho", s.rhos, "WC, WG: anchor shares of an image's observed pixels (one model each)")
            ->delimiter(',')
            ->check(CLI::Range(0.0, 1.0));
        cmd->add_option("--guidance", s.guidanceScale, "WG: the gradient guidance's step size")->check(CLI::PositiveNumber);
        cmd->add_option("--guided-draws", s.guidedDrawsPerRow, "WC, WG: guided prior draws per training image")->check(CLI::PositiveNumber);
        cmd->add_option("--omega", s.omegas, "multi-step omega schedules: alphabar (sample), 1-alphabar (ends on the single-step mean), linear")
            ->delimiter(',')
            ->check(CLI::IsMember({"alphabar", "1-alphabar", "linear"}));
        cmd->add_option("--repaint-steps", s.repaintSteps, "C: RePaint steps (jump length 10, 5 resamplings)")->check(CLI::PositiveNumber);
        cmd->add_option("--seed", s.seed, "mask and training seed");
        cmd->add_option("--device", s.device, "cpu, cuda or auto (A-D; MIWAE trains on the CPU)")->check(CLI::IsMember({"cpu", "cuda", "auto"}));
        cmd->add_option("--threads", threads, "CPU threads (0: all cores)")->check(CLI::NonNegativeNumber);
        cmd->add_flag("--json", json, "print the table as JSON on the last line");
    }
    void validate() const {
        validateEnsembleLists(settings.members, settings.steps);
        for (double d : settings.deltas)
            if (!(d >= 0.0 && d < 1.0)) throw CLI::ValidationError("--delta", "every delta must be in [0, 1)");
    }
};

void runPartialImageBench(const PartialImageBenchOptions& o) {
    initTorchRuntime(o.threads);
    experiments::PartialImageSettings s = o.settings;
    s.log = [](const std::string& line) { std::cerr << line << "\n"; };
    const experiments::PartialImageResult res = experiments::runPartialImageBenchmark(s, cancelOnInterrupt());
    restoreInterrupt();
    std::cout << "Fashion-MNIST, scenario " << s.scenario << ": " << res.trainImages << " incomplete training images ("
              << fixed(100 * res.trainMissingShare, 1) << " % of pixels missing), " << res.testImages << " test images ("
              << fixed(100 * res.testMissingShare, 1) << " % missing); U-Net base " << s.baseChannels << ", " << s.updates
              << " updates of " << s.batchSize << ", device " << s.device << "\n";
    for (const auto& [step, seconds] : res.preparationSeconds) std::cout << step << ": " << fixed(seconds, 1) << " s\n";
    for (const auto& [model, seconds] : res.trainSeconds) std::cout << "model " << model << " trained in " << fixed(seconds, 1) << " s\n";
    std::vector<std::vector<std::string>> rows;
    nlohmann::json table = nlohmann::json::array();
    for (const experiments::PartialImageRow& r : res.rows) {
        rows.push_back({r.model, r.model == "A" ? fixed(r.delta, 2) : "-", std::to_string(r.members),
                        r.steps == 0 ? "single" : std::to_string(r.steps) + " " + r.omega, fixed(r.mse, 5),
                        fixed(r.foregroundMse, 5), fixed(r.msPerImage, 2)});
        table.push_back({{"model", r.model}, {"delta", r.delta}, {"members", r.members}, {"steps", r.steps}, {"omega", r.omega},
                         {"mse", r.mse}, {"foreground_mse", r.foregroundMse}, {"ms_per_image", r.msPerImage}});
    }
    printTable({"model", "delta", "K", "steps", "MSE (missing)", "MSE (missing fg)", "ms / image"}, rows);
    if (o.json) printJsonLine({{"scenario", s.scenario}, {"rows", table}});
}

}  // namespace

void addPartialCommand(CLI::App& app) {
    CLI::App* cmd = app.add_subcommand("partial", "Diffusion learned from incomplete designs only (seed 003, Work I; Work II's mask prior)");
    cmd->require_subcommand(1);
    addCommand<PartialTrainOptions>(cmd, "train",
                                    "Train on a keypoint CSV whose keypoint cells may be empty, or on images with masks "
                                    "(NAME.mask.png, white = observed): the model never sees a complete sample",
                                    runPartialTrain);
    addCommand<PartialImputeOptions>(cmd, "impute", "Fill the empty cells of a CSV, or the hidden pixels of images (ensemble inference)",
                                     runPartialImpute);
    addCommand<PartialSampleOptions>(cmd, "sample", "Complete designs for conditions and pinned keypoints (pins exact)",
                                     runPartialSample);
    addCommand<PartialBenchOptions>(cmd, "bench", "Gaussian AR(1) with a known Bayes-optimal answer: models A and B vs Bayes",
                                    runPartialBench);
    addCommand<PartialKeypointBenchOptions>(cmd, "bench-keypoints",
                                            "Keypoint completion with 30 % of every row's keypoints removed: A vs oracle, design SFARM, MIWAE",
                                            runPartialKeypointBench);
    addCommand<PartialImageBenchOptions>(cmd, "bench-images",
                                         "Fashion-MNIST with fixed missing pixels or blocks: A (Work I) vs B, DDPM + RePaint, oracle, MIWAE",
                                         runPartialImageBench);
    addPartialMaskPriorCommand(cmd);
}

}  // namespace ms::cli
