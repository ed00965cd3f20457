// `paper sfarm-images train|impute|score|acquire|bench`: SFARM, MIWAE and DDPM + RePaint on
// grey-level images (Fashion-MNIST from Debian's dataset-fashion-mnist), the imputation comparison
// and the pixel acquisition curves of issue 5.
#include <cmath>
#include <cstdint>
#include <iostream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"
#include "app/cli/DistributedOptions.h"
#include "core/data/IdxImages.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "distributed/GlooGroup.h"
#include "experiments/PixelAcquisitionBenchmark.h"
#include "experiments/PixelImputationBenchmark.h"
#include "experiments/PixelModels.h"
#include "sfarm/SfarmInference.h"
#ifdef MASKSTUDIO_HAVE_IMAGING
#include "imaging/PixelFigures.h"
#endif

namespace ms::cli {

namespace {

constexpr const char* kFashionMnistFolder = "/usr/share/datasets/fashion-mnist";

// The first `count` test (or training) images as grey levels [N, H*W] and their size.
struct Images {
    at::Tensor grey;
    int64_t height = 0, width = 0;
};
Images loadImages(const std::string& folder, bool train, int64_t count) {
    const at::Tensor raw = readIdxImages(fashionMnistImages(folder, train), count);
    return {experiments::greyLevels(raw), raw.size(1), raw.size(2)};
}

// --data (the IDX folder) and --images (how many, from the start of the training or test set).
void addImageSource(CLI::App* cmd, std::string& folder, int64_t& count, bool train) {
    cmd->add_option("--data", folder, "folder with Fashion-MNIST's IDX files (Debian's dataset-fashion-mnist installs them there)");
    cmd->add_option("--images", count, std::string("the first N ") + (train ? "training" : "test") + " images")
        ->check(CLI::Range(int64_t{1}, train ? int64_t{60000} : int64_t{10000}));
}

// --png figures (engine/imaging); a build without OpenCV says so instead of writing them.
#ifndef MASKSTUDIO_HAVE_IMAGING
[[noreturn]] void noImaging(const std::string& path) {
    throw std::runtime_error("--png needs the imaging target (OpenCV), absent from this build: " + path);
}
#endif

void writeComparisonPng(const std::string& path, const Images& im, const at::Tensor& observed, const std::vector<at::Tensor>& completions) {
#ifdef MASKSTUDIO_HAVE_IMAGING
    imaging::writeImputationFigure(path, im.grey, im.height, im.width, observed, completions);
#else
    (void)im, (void)observed, (void)completions;
    noImaging(path);
#endif
}

struct PixelTrainOptions {
    std::string method = "sfarm";  // as typed (it is echoed back); run parses it into settings.method
    std::string folder = kFashionMnistFolder;
    int64_t imageCount = 10000;
    experiments::PixelTrainSettings settings;
    std::string out;
    bool json = false;
    DistributedOptions distributed;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--method", method, "sfarm, miwae or ddpm")->check(CLI::IsMember({"sfarm", "miwae", "ddpm"}));
        addImageSource(cmd, folder, imageCount, true);
        cmd->add_option("--epochs", settings.epochs, "epochs")->check(CLI::Range(1, 100000));
        cmd->add_option("--batch", settings.batchSize, "batch size")->check(CLI::Range(1, 4096));
        cmd->add_option("--lr", settings.lr, "learning rate");
        cmd->add_option("--seed", settings.seed, "seed");
        cmd->add_option("--channels", settings.baseChannels, "U-Net base channels, multiple of 8 (the paper's)");
        cmd->add_option("--blocks", settings.resBlocks, "U-Net residual blocks per level");
        cmd->add_option("--out", out, "model file to write")->required();
        cmd->add_flag("--json", json, "print the results as JSON on the last line");
        distributed.addTo(cmd);
    }
    void validate() const {}
};

void runPixelTrain(const PixelTrainOptions& o) {
    initTorchRuntime(0);
    experiments::PixelTrainSettings settings = o.settings;
    settings.method = experiments::parsePixelMethod(o.method);
    const distributed::DistributedSettings ranks = o.distributed.resolved();
    const at::Tensor raw = readIdxImages(fashionMnistImages(o.folder, true), o.imageCount);
    // Several ranks: joined once the images have read; --batch is the global batch, rank 0 writes.
    const std::unique_ptr<distributed::GlooGroup> group = distributed::joinRanks(ranks);
    if (group) {
        settings.group = group.get();
        if (settings.method == experiments::PixelMethod::Ddpm) settings.device = resolveDevice(settings.device, ranks.localRank).str();
    }
    const Stopwatch start;
    const experiments::PixelModel model = experiments::trainPixelModel(raw, settings, [&](int64_t epoch, double loss) {
        if (ranks.rank == 0) std::cerr << "epoch " << epoch << ": loss " << fixed(loss, 4) << std::endl;
    }, cancelOnInterrupt());
    restoreInterrupt();
    const double seconds = start.seconds();
    if (ranks.rank > 0) {
        std::cout << ranks.who() << ": " << model.training.at("losses").size() << " epoch(s) done\n";
        return;
    }
    experiments::savePixelModel(model, o.out);
    const auto& losses = model.training.at("losses");
    std::cout << o.method << " on " << raw.size(0) << " images, " << settings.epochs << " epoch(s), " << fixed(seconds, 1)
              << " s -> " << o.out << "\n";
    if (o.json) printJsonLine({{"method", o.method}, {"images", raw.size(0)}, {"seconds", seconds}, {"losses", losses}, {"out", o.out}});
}

struct PixelImputeOptions {
    std::string model;
    std::string folder = kFashionMnistFolder;
    int64_t imageCount = 8;
    double missing = 0.5;
    std::string mask = "uniform";
    experiments::PixelImputeSettings impute;
    std::string png;
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", model, "pixel model file (paper sfarm-images train)")->required();
        addImageSource(cmd, folder, imageCount, false);
        cmd->add_option("--missing", missing, "share of missing pixels")->check(CLI::Range(0.0, 1.0));
        cmd->add_option("--mask", mask, "uniform or block")->check(CLI::IsMember({"uniform", "block"}));
        cmd->add_option("--steps", impute.sfarmSteps, "SFARM network calls S' (0: one pixel per call)");
        cmd->add_option("--seed", impute.seed, "seed of the masks and the sampling");
        cmd->add_option("--png", png, "write original | input | completion rows to this PNG");
        cmd->add_flag("--json", json, "print the results as JSON on the last line");
    }
    void validate() const {}
};

void runPixelImpute(const PixelImputeOptions& o) {
    initTorchRuntime(0);
    const experiments::PixelModel m = experiments::loadPixelModel(o.model);
    const Images im = loadImages(o.folder, false, o.imageCount);
    std::mt19937_64 rng(o.impute.seed);
    const at::Tensor observed =
        experiments::pixelObservedMask(experiments::parsePixelMaskKind(o.mask), im.grey.size(0), im.height, im.width, o.missing, rng);
    const Stopwatch start;
    const at::Tensor filled = experiments::imputePixels(m, im.grey, observed, o.impute);
    const double seconds = start.seconds();
    const double mse = experiments::missingPixelMse(filled, im.grey, observed);
    std::cout << experiments::pixelMethodName(m.method) << ": MSE over the missing pixels " << fixed(mse, 5) << " (" << im.grey.size(0)
              << " images, " << o.mask << " " << o.missing << ", " << fixed(seconds, 2) << " s)\n";
    if (!o.png.empty()) {
        writeComparisonPng(o.png, im, observed, {filled});
        std::cout << "wrote " << o.png << "\n";
    }
    if (o.json)
        printJsonLine(
            {{"method", experiments::pixelMethodName(m.method)}, {"mse", mse}, {"seconds", seconds}, {"images", im.grey.size(0)}});
}

struct PixelScoreOptions {
    std::string model;
    std::string folder = kFashionMnistFolder;
    int64_t imageCount = 100;
    int64_t orders = 1;
    uint64_t seed = 0;
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", model, "SFARM pixel model file")->required();
        addImageSource(cmd, folder, imageCount, false);
        cmd->add_option("--orders", orders, "orders K (each costs one network call per pixel)")->check(CLI::Range(1, 1000));
        cmd->add_option("--seed", seed, "seed of the orders");
        cmd->add_flag("--json", json, "print the results as JSON on the last line");
    }
    void validate() const {}
};

void runPixelScore(const PixelScoreOptions& o) {
    initTorchRuntime(0);
    const experiments::PixelModel m = experiments::loadPixelModel(o.model);
    if (m.method != experiments::PixelMethod::Sfarm)
        throw std::invalid_argument(o.model + ": score needs an SFARM model, this is " + experiments::pixelMethodName(m.method));
    const Images im = loadImages(o.folder, false, o.imageCount);
    std::mt19937_64 rng(o.seed);
    const Stopwatch start;
    const at::Tensor none = at::zeros(im.grey.sizes(), at::kBool);
    const at::Tensor ll = sfarm::sfarmLogLikelihood(*m.sfarm, im.grey, none, none.logical_not(), o.orders, rng);
    const double seconds = start.seconds();
    const double nats = -ll.mean().item<double>();
    const double bits = nats / (static_cast<double>(im.grey.size(1)) * std::log(2.0));
    std::cout << "test NLL " << fixed(nats, 1) << " nats per image, " << fixed(bits, 4) << " bits per pixel (" << im.grey.size(0)
              << " images, K = " << o.orders << ", " << fixed(seconds, 1) << " s)\n";
    if (o.json)
        printJsonLine(
            {{"nll_nats", nats}, {"bits_per_pixel", bits}, {"images", im.grey.size(0)}, {"orders", o.orders}, {"seconds", seconds}});
}

void writeAcquisitionPng(const std::string& path, const Images& im, const experiments::PixelAcquisitionSettings& s,
                         const experiments::PixelAcquisitionCurves& c) {
#ifdef MASKSTUDIO_HAVE_IMAGING
    const experiments::PixelRectangle& r = s.target;
    imaging::writeAcquisitionFigure(path, im.grey[0], im.height, im.width, {r.x, r.y, r.width, r.height},
                                    c.greedyPicks.empty() ? std::vector<int64_t>{} : c.greedyPicks[0], c.firstInformation);
#else
    (void)im, (void)s, (void)c;
    noImaging(path);
#endif
}

struct PixelAcquireOptions {
    std::string model;
    std::string folder = kFashionMnistFolder;
    int64_t imageCount = 4;
    std::string target = "10,10,8,8";  // as typed (it is echoed back); run parses it into settings.target
    experiments::PixelAcquisitionSettings settings;
    std::string png;
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", model, "SFARM pixel model file (paper sfarm-images train --method sfarm)")->required();
        addImageSource(cmd, folder, imageCount, false);
        cmd->add_option("--target", target, "the region to learn, X,Y,W,H in pixels (the default is the centre)");
        cmd->add_option("--acquire", settings.acquisitions, "pixels to reveal per image")->check(CLI::Range(0, 100000));
        cmd->add_option("--stride", settings.candidateStride, "candidate pixels: every N-th in each direction")->check(CLI::Range(1, 1000));
        cmd->add_option("--samples", settings.samples, "draws per information estimate")->check(CLI::Range(1, 100000));
        cmd->add_option("--observed", settings.initialObserved, "share of the other pixels known at the start")
            ->check(CLI::Range(0.0, 0.99));
        cmd->add_option("--steps", settings.imputeSteps, "SFARM calls S' of the target imputation after each step")
            ->check(CLI::Range(1, 100000));
        cmd->add_option("--seed", settings.seed, "seed (starting pixels, random order, draws)");
        cmd->add_option("--png", png, "write the first image with its greedy picks and its first information map to this PNG");
        cmd->add_flag("--json", json, "print the curves as JSON on the last line");
    }
    void validate() const {}
};

void runPixelAcquire(const PixelAcquireOptions& o) {
    initTorchRuntime(0);
    const experiments::PixelModel m = experiments::loadPixelModel(o.model);
    if (m.method != experiments::PixelMethod::Sfarm)
        throw std::invalid_argument(o.model + ": acquire needs an SFARM model, this is " + experiments::pixelMethodName(m.method));
    const Images im = loadImages(o.folder, false, o.imageCount);
    experiments::PixelAcquisitionSettings settings = o.settings;
    settings.target = experiments::parsePixelRectangle(o.target);
    settings.log = [](const std::string& line) { std::cerr << line << std::endl; };
    const experiments::PixelAcquisitionCurves c = experiments::runPixelAcquisitionBenchmark(m, im.grey, settings, cancelOnInterrupt());
    restoreInterrupt();
    if (c.greedy.empty()) throw std::runtime_error("acquisition cancelled before the curves were complete");
    std::vector<std::vector<std::string>> rows;
    for (std::size_t k = 0; k < c.greedy.size(); ++k) rows.push_back({std::to_string(k), fixed(c.greedy[k], 4), fixed(c.random[k], 4)});
    std::cout << "target " << o.target << " (X,Y,W,H), first " << im.grey.size(0) << " test images, " << fixed(c.seconds, 1) << " s:\n";
    printTable({"pixels acquired", "target MSE, SFARM greedy", "target MSE, random order"}, rows);
    std::cout << "greedy picks of image 0 (x,y):";
    for (int64_t p : c.greedyPicks.front()) std::cout << " " << p % im.width << "," << p / im.width;
    std::cout << "\n";
    if (!o.png.empty()) {
        writeAcquisitionPng(o.png, im, settings, c);
        std::cout << "wrote " << o.png << "\n";
    }
    if (o.json) {
        nlohmann::json info = nlohmann::json::array();
        for (double v : c.firstInformation) info.push_back(std::isfinite(v) ? nlohmann::json(v) : nlohmann::json());
        printJsonLine({{"target", o.target}, {"images", im.grey.size(0)}, {"greedy", c.greedy}, {"random", c.random},
                       {"greedy_picks", c.greedyPicks}, {"first_information", info}, {"seconds", c.seconds}});
    }
}

struct PixelBenchOptions {
    std::vector<std::string> models;
    std::string folder = kFashionMnistFolder;
    int64_t imageCount = 100;
    experiments::PixelBenchmarkSettings settings;
    std::vector<std::string> masks{"uniform", "block"};
    std::vector<int64_t> speedSteps{784, 196, 49, 16, 4};
    int64_t speedImages = 16;
    std::string png;
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--models", models, "pixel model files, comma-separated (e.g. sfarm.pxm,miwae.pxm,ddpm.pxm)")
            ->required()
            ->delimiter(',');
        addImageSource(cmd, folder, imageCount, false);
        cmd->add_option("--rates", settings.missingRates, "missing shares")->delimiter(',');
        cmd->add_option("--masks", masks, "uniform,block")->delimiter(',');
        cmd->add_option("--repaint-steps", settings.impute.repaint.steps, "RePaint respaced steps");
        cmd->add_option("--repaint-jump", settings.impute.repaint.jumpLength, "RePaint jump length");
        cmd->add_option("--repaint-resamples", settings.impute.repaint.resamples, "RePaint resamples");
        cmd->add_flag("--miwae-mean", settings.impute.miwaeMean, "MIWAE fills with its importance-weighted mean instead of a draw");
        cmd->add_option("--speed-steps", speedSteps, "SFARM S' values for the speed table (empty: skip)")->delimiter(',');
        cmd->add_option("--speed-images", speedImages, "images in the speed batch");
        cmd->add_option("--seed", settings.maskSeed, "seed of the masks and the sampling");
        cmd->add_option("--png", png, "write the 50 % uniform completions of the first 8 images of every model to this PNG");
        cmd->add_flag("--json", json, "print the results as JSON on the last line");
    }
    void validate() const {}
};

void runPixelBench(const PixelBenchOptions& o) {
    initTorchRuntime(0);
    std::vector<experiments::PixelModel> loaded;
    for (const auto& path : o.models) loaded.push_back(experiments::loadPixelModel(path));
    std::vector<const experiments::PixelModel*> pointers;
    for (const auto& m : loaded) pointers.push_back(&m);
    const Images im = loadImages(o.folder, false, o.imageCount);
    experiments::PixelBenchmarkSettings settings = o.settings;
    settings.kinds.clear();
    for (const auto& k : o.masks) settings.kinds.push_back(experiments::parsePixelMaskKind(k));
    settings.impute.seed = settings.maskSeed;
    settings.log = [](const std::string& line) { std::cerr << line << std::endl; };
    const auto cells = experiments::runPixelImputationBenchmark(pointers, im.grey, settings, cancelOnInterrupt());
    restoreInterrupt();
    nlohmann::json j;
    j["images"] = im.grey.size(0);
    std::vector<std::string> header{"mask", "missing"};
    for (const auto& m : loaded) header.push_back(std::string(experiments::pixelMethodName(m.method)) + " MSE");
    for (const auto& m : loaded) header.push_back(std::string(experiments::pixelMethodName(m.method)) + " s");
    std::vector<std::vector<std::string>> rows;
    for (std::size_t c = 0; c < cells.size(); c += loaded.size()) {
        std::vector<std::string> row{experiments::pixelMaskKindName(cells[c].kind), fixed(100.0 * cells[c].missingShare, 1) + " %"};
        for (std::size_t k = 0; k < loaded.size() && c + k < cells.size(); ++k) row.push_back(fixed(cells[c + k].mse, 4));
        for (std::size_t k = 0; k < loaded.size() && c + k < cells.size(); ++k) row.push_back(fixed(cells[c + k].seconds, 1));
        rows.push_back(row);
        for (std::size_t k = 0; k < loaded.size() && c + k < cells.size(); ++k)
            j["cells"].push_back({{"mask", experiments::pixelMaskKindName(cells[c + k].kind)}, {"rate", cells[c + k].missingRate},
                                  {"share", cells[c + k].missingShare}, {"method", experiments::pixelMethodName(cells[c + k].method)},
                                  {"mse", cells[c + k].mse}, {"seconds", cells[c + k].seconds}});
    }
    std::cout << "Fashion-MNIST, first " << im.grey.size(0) << " test images, MSE over the missing pixels (grey levels in [0, 1]):\n";
    printTable(header, rows);
    for (const auto& m : loaded) {
        if (m.method != experiments::PixelMethod::Sfarm || o.speedSteps.empty()) continue;
        const Images few = loadImages(o.folder, false, o.speedImages);
        const auto points = experiments::runSfarmSpeedBenchmark(m, few.grey, o.speedSteps, 0.5, settings.maskSeed);
        std::vector<std::vector<std::string>> speed;
        for (const auto& p : points) {
            const double msPerImage = 1000.0 * p.seconds / static_cast<double>(few.grey.size(0));
            speed.push_back({std::to_string(p.steps), fixed(p.seconds, 2), fixed(msPerImage, 1), fixed(p.mse, 4)});
            j["speed"].push_back({{"steps", p.steps}, {"seconds", p.seconds}, {"mse", p.mse}});
        }
        std::cout << "SFARM speed vs S' (50 % uniform missing, " << few.grey.size(0) << " images in one batch):\n";
        printTable({"S'", "seconds", "ms per image", "MSE"}, speed);
    }
    if (!o.png.empty()) {
        const Images first = loadImages(o.folder, false, 8);
        std::mt19937_64 rng(settings.maskSeed);
        const at::Tensor observed =
            experiments::pixelObservedMask(experiments::PixelMaskKind::Uniform, 8, first.height, first.width, 0.5, rng);
        std::vector<at::Tensor> completions;
        for (const auto& m : loaded) completions.push_back(experiments::imputePixels(m, first.grey, observed, settings.impute));
        writeComparisonPng(o.png, first, observed, completions);
        std::cout << "wrote " << o.png << "\n";
    }
    if (o.json) printJsonLine(j);
}

}  // namespace

void addSfarmImageCommands(CLI::App* paper) {
    CLI::App* images = paper->add_subcommand("sfarm-images", "SFARM vs MIWAE vs DDPM + RePaint on grey-level images (Fashion-MNIST)");
    images->require_subcommand(1);
    addCommand<PixelTrainOptions>(
        images, "train", "Train SFARM (U-Net, 7 masking modes, discretised logistic), MIWAE or a DDPM on Fashion-MNIST", runPixelTrain);
    addCommand<PixelImputeOptions>(images, "impute",
                                   "Complete test images with missing pixels; MSE over the missing pixels, optional PNG", runPixelImpute);
    addCommand<PixelScoreOptions>(images, "score",
                                  "SFARM test negative log-likelihood in bits per pixel (Monte Carlo over K orders)", runPixelScore);
    addCommand<PixelAcquireOptions>(
        images, "acquire", "Which pixels to look at next to learn a target region: SFARM greedy information acquisition vs random order",
        runPixelAcquire);
    addCommand<PixelBenchOptions>(
        images, "bench", "MSE at 5-90 % missing pixels (uniform and block masks) for each model; SFARM speed vs S'", runPixelBench);
}

}  // namespace ms::cli
