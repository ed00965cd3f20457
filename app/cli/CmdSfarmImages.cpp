// `sfarm images train|impute|score|acquire|bench`: SFARM, MIWAE and DDPM + RePaint on grey-level
// images (Fashion-MNIST from Debian's dataset-fashion-mnist), the imputation comparison and the
// pixel acquisition curves of issue 5.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <random>

#include "CliCommon.h"
#include "Commands.h"
#include "bench/PixelAcquisitionBenchmark.h"
#include "bench/PixelImputationBenchmark.h"
#include "bench/PixelModels.h"
#include "data/IdxImages.h"
#include "runtime/Stopwatch.h"
#include "runtime/TorchRuntime.h"
#include "sfarm/SfarmInference.h"
#ifdef MASKSTUDIO_HAVE_IMAGING
#include "imaging/ImageFolderReader.h"
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
    return {greyLevels(raw), raw.size(1), raw.size(2)};
}

// --data (the IDX folder) and --images (how many, from the start of the training or test set).
void addImageSource(CLI::App* cmd, std::string& folder, int64_t& count, bool train) {
    cmd->add_option("--data", folder, "folder with Fashion-MNIST's IDX files (default " + std::string(kFashionMnistFolder) + ")");
    cmd->add_option("--images", count, std::string("the first N ") + (train ? "training" : "test") + " images (default " +
                                           std::to_string(count) + ")")
        ->check(CLI::Range(int64_t{1}, train ? int64_t{60000} : int64_t{10000}));
}

// An RGB picture in writePngImage's planar layout (R, then G, then B plane), white to start.
class PlanarRgb {
public:
    PlanarRgb(int64_t height, int64_t width)
        : m_height(height), m_width(width), m_data(static_cast<std::size_t>(3 * height * width), 255) {}
    void set(int64_t y, int64_t x, uint8_t red, uint8_t green, uint8_t blue) {
        const auto at = static_cast<std::size_t>(y * m_width + x), plane = static_cast<std::size_t>(m_height * m_width);
        m_data[at] = red;
        m_data[at + plane] = green;
        m_data[at + 2 * plane] = blue;
    }
    void setGrey(int64_t y, int64_t x, float level) {
        const auto v = static_cast<uint8_t>(std::lround(255.0f * std::clamp(level, 0.0f, 1.0f)));
        set(y, x, v, v, v);
    }
    void write(const std::string& path) const {
#ifdef MASKSTUDIO_HAVE_IMAGING
        writePngImage(path, m_data.data(), 3, static_cast<int>(m_height), static_cast<int>(m_width));
#else
        throw std::runtime_error("--png needs the imaging target (OpenCV), absent from this build: " + path);
#endif
    }

private:
    int64_t m_height, m_width;
    std::vector<uint8_t> m_data;
};

// Rows of [original | input (missing pixels red) | completion], 2 px gaps, as an RGB PNG.
void writeComparisonPng(const std::string& path, const Images& im, const at::Tensor& observed,
                        const std::vector<at::Tensor>& completions) {
    const int64_t n = im.grey.size(0), h = im.height, w = im.width, gap = 2;
    const int64_t cols = 2 + static_cast<int64_t>(completions.size());
    PlanarRgb picture(n * (h + gap) + gap, cols * (w + gap) + gap);
    auto put = [&](int64_t row, int64_t col, const at::Tensor& grey, const at::Tensor* keep) {
        const float* g = grey.data_ptr<float>();
        const bool* k = keep ? keep->data_ptr<bool>() : nullptr;
        for (int64_t y = 0; y < h; ++y)
            for (int64_t x = 0; x < w; ++x) {
                const int64_t py = row * (h + gap) + gap + y, px = col * (w + gap) + gap + x;
                if (k && !k[y * w + x]) picture.set(py, px, 220, 40, 40);
                else picture.setGrey(py, px, g[y * w + x]);
            }
    };
    for (int64_t i = 0; i < n; ++i) {
        const at::Tensor keep = observed[i].contiguous();
        put(i, 0, im.grey[i].contiguous(), nullptr);
        put(i, 1, im.grey[i].contiguous(), &keep);
        for (std::size_t c = 0; c < completions.size(); ++c) put(i, 2 + static_cast<int64_t>(c), completions[c][i].contiguous(), nullptr);
    }
    picture.write(path);
}

void addTrain(CLI::App* images) {
    auto* cmd = images->add_subcommand("train", "Train SFARM (U-Net, 7 masking modes, discretised logistic), MIWAE or a DDPM on Fashion-MNIST");
    auto s = std::make_shared<PixelTrainSettings>();
    auto method = std::make_shared<std::string>("sfarm");
    auto folder = std::make_shared<std::string>(kFashionMnistFolder);
    auto out = std::make_shared<std::string>();
    auto count = std::make_shared<int64_t>(10000);
    auto json = std::make_shared<bool>(false);
    cmd->add_option("--method", *method, "sfarm, miwae or ddpm")->check(CLI::IsMember({"sfarm", "miwae", "ddpm"}));
    addImageSource(cmd, *folder, *count, true);
    cmd->add_option("--epochs", s->epochs, "epochs (default 10)")->check(CLI::Range(1, 100000));
    cmd->add_option("--batch", s->batchSize, "batch size (default 64)")->check(CLI::Range(1, 4096));
    cmd->add_option("--lr", s->lr, "learning rate (default 1e-3)");
    cmd->add_option("--seed", s->seed, "seed (default 0)");
    cmd->add_option("--channels", s->baseChannels, "U-Net base channels, multiple of 8 (default 32, the paper's)");
    cmd->add_option("--blocks", s->resBlocks, "U-Net residual blocks per level (default 1)");
    cmd->add_option("--out", *out, "model file to write")->required();
    cmd->add_flag("--json", *json, "print the results as JSON on the last line");
    cmd->callback([=] {
        initTorchRuntime(0);
        PixelTrainSettings settings = *s;
        settings.method = parsePixelMethod(*method);
        const at::Tensor raw = readIdxImages(fashionMnistImages(*folder, true), *count);
        const Stopwatch start;
        const PixelModel model = trainPixelModel(raw, settings, [&](int64_t epoch, double loss) {
            std::cerr << "epoch " << epoch << ": loss " << fixed(loss, 4) << std::endl;
        }, cancelOnInterrupt());
        restoreInterrupt();
        const double seconds = start.seconds();
        savePixelModel(model, *out);
        const auto& losses = model.training.at("losses");
        std::cout << *method << " on " << raw.size(0) << " images, " << settings.epochs << " epoch(s), " << fixed(seconds, 1)
                  << " s -> " << *out << "\n";
        if (*json) printJsonLine({{"method", *method}, {"images", raw.size(0)}, {"seconds", seconds}, {"losses", losses}, {"out", *out}});
    });
}

void addImpute(CLI::App* images) {
    auto* cmd = images->add_subcommand("impute", "Complete test images with missing pixels; MSE over the missing pixels, optional PNG");
    auto model = std::make_shared<std::string>();
    auto folder = std::make_shared<std::string>(kFashionMnistFolder);
    auto count = std::make_shared<int64_t>(8);
    auto rate = std::make_shared<double>(0.5);
    auto mask = std::make_shared<std::string>("uniform");
    auto impute = std::make_shared<PixelImputeSettings>();
    auto png = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    cmd->add_option("--model", *model, "pixel model file (sfarm images train)")->required();
    addImageSource(cmd, *folder, *count, false);
    cmd->add_option("--missing", *rate, "share of missing pixels (default 0.5)")->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--mask", *mask, "uniform or block")->check(CLI::IsMember({"uniform", "block"}));
    cmd->add_option("--steps", impute->sfarmSteps, "SFARM network calls S' (default: one pixel per call)");
    cmd->add_option("--seed", impute->seed, "seed of the masks and the sampling (default 0)");
    cmd->add_option("--png", *png, "write original | input | completion rows to this PNG");
    cmd->add_flag("--json", *json, "print the results as JSON on the last line");
    cmd->callback([=] {
        initTorchRuntime(0);
        const PixelModel m = loadPixelModel(*model);
        const Images im = loadImages(*folder, false, *count);
        std::mt19937_64 rng(impute->seed);
        const at::Tensor observed = pixelObservedMask(parsePixelMaskKind(*mask), im.grey.size(0), im.height, im.width, *rate, rng);
        const Stopwatch start;
        const at::Tensor filled = imputePixels(m, im.grey, observed, *impute);
        const double seconds = start.seconds();
        const double mse = missingPixelMse(filled, im.grey, observed);
        std::cout << pixelMethodName(m.method) << ": MSE over the missing pixels " << fixed(mse, 5) << " (" << im.grey.size(0)
                  << " images, " << *mask << " " << *rate << ", " << fixed(seconds, 2) << " s)\n";
        if (!png->empty()) {
            writeComparisonPng(*png, im, observed, {filled});
            std::cout << "wrote " << *png << "\n";
        }
        if (*json) printJsonLine({{"method", pixelMethodName(m.method)}, {"mse", mse}, {"seconds", seconds}, {"images", im.grey.size(0)}});
    });
}

void addScore(CLI::App* images) {
    auto* cmd = images->add_subcommand("score", "SFARM test negative log-likelihood in bits per pixel (Monte Carlo over K orders)");
    auto model = std::make_shared<std::string>();
    auto folder = std::make_shared<std::string>(kFashionMnistFolder);
    auto count = std::make_shared<int64_t>(100);
    auto orders = std::make_shared<int64_t>(1);
    auto seed = std::make_shared<uint64_t>(0);
    auto json = std::make_shared<bool>(false);
    cmd->add_option("--model", *model, "SFARM pixel model file")->required();
    addImageSource(cmd, *folder, *count, false);
    cmd->add_option("--orders", *orders, "orders K (default 1; each costs one network call per pixel)")->check(CLI::Range(1, 1000));
    cmd->add_option("--seed", *seed, "seed of the orders");
    cmd->add_flag("--json", *json, "print the results as JSON on the last line");
    cmd->callback([=] {
        initTorchRuntime(0);
        const PixelModel m = loadPixelModel(*model);
        if (m.method != PixelMethod::Sfarm) throw std::invalid_argument(*model + ": score needs an SFARM model, this is " + pixelMethodName(m.method));
        const Images im = loadImages(*folder, false, *count);
        std::mt19937_64 rng(*seed);
        const Stopwatch start;
        const at::Tensor none = at::zeros(im.grey.sizes(), at::kBool);
        const at::Tensor ll = sfarmLogLikelihood(*m.sfarm, im.grey, none, none.logical_not(), *orders, rng);
        const double seconds = start.seconds();
        const double nats = -ll.mean().item<double>();
        const double bits = nats / (static_cast<double>(im.grey.size(1)) * std::log(2.0));
        std::cout << "test NLL " << fixed(nats, 1) << " nats per image, " << fixed(bits, 4) << " bits per pixel (" << im.grey.size(0)
                  << " images, K = " << *orders << ", " << fixed(seconds, 1) << " s)\n";
        if (*json) printJsonLine({{"nll_nats", nats}, {"bits_per_pixel", bits}, {"images", im.grey.size(0)}, {"orders", *orders}, {"seconds", seconds}});
    });
}

// The first image with the target outlined (blue) and its greedy picks (orange), and beside
// it the first ranking as a heat map over the candidates (brightness: square root of the information over the largest), 8x.
void writeAcquisitionPng(const std::string& path, const Images& im, const PixelAcquisitionSettings& s,
                         const PixelAcquisitionCurves& c) {
    const int64_t h = im.height, w = im.width, zoom = 8, gap = 8;
    PlanarRgb picture(h * zoom, 2 * w * zoom + gap);
    const float* grey = im.grey[0].contiguous().data_ptr<float>();
    double top = 0.0;
    for (double v : c.firstInformation)
        if (std::isfinite(v)) top = std::max(top, v);
    std::vector<bool> picked(static_cast<std::size_t>(h * w), false);
    if (!c.greedyPicks.empty())
        for (int64_t p : c.greedyPicks[0]) picked[static_cast<std::size_t>(p)] = true;
    const PixelRectangle& r = s.target;
    const int64_t x0 = r.x * zoom, x1 = (r.x + r.width) * zoom - 1, y0 = r.y * zoom, y1 = (r.y + r.height) * zoom - 1;
    for (int64_t y = 0; y < h * zoom; ++y)
        for (int64_t x = 0; x < w * zoom; ++x) {
            const auto p = static_cast<std::size_t>((y / zoom) * w + x / zoom);
            const int64_t right = w * zoom + gap + x;
            if (x >= x0 && x <= x1 && y >= y0 && y <= y1 && (x == x0 || x == x1 || y == y0 || y == y1)) {
                picture.set(y, x, 40, 160, 255);
                picture.set(y, right, 40, 160, 255);
                continue;
            }
            if (picked[p]) picture.set(y, x, 255, 140, 0);
            else picture.setGrey(y, x, grey[p]);
            const double v = c.firstInformation.empty() ? std::nan("") : c.firstInformation[p];
            if (std::isfinite(v) && top > 0) {
                const auto heat = static_cast<uint8_t>(std::lround(255.0 * std::sqrt(std::clamp(v / top, 0.0, 1.0))));
                picture.set(y, right, heat, static_cast<uint8_t>(heat / 2), static_cast<uint8_t>(60 - heat / 5));
            } else {
                picture.set(y, right, 30, 30, 30);
            }
        }
    picture.write(path);
}

void addAcquire(CLI::App* images) {
    auto* cmd = images->add_subcommand(
        "acquire", "Which pixels to look at next to learn a target region: SFARM greedy information acquisition vs random order");
    auto model = std::make_shared<std::string>();
    auto folder = std::make_shared<std::string>(kFashionMnistFolder);
    auto count = std::make_shared<int64_t>(4);
    auto s = std::make_shared<PixelAcquisitionSettings>();
    auto rect = std::make_shared<std::string>("10,10,8,8");
    auto png = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    cmd->add_option("--model", *model, "SFARM pixel model file (sfarm images train --method sfarm)")->required();
    addImageSource(cmd, *folder, *count, false);
    cmd->add_option("--target", *rect, "the region to learn, X,Y,W,H in pixels (default 10,10,8,8: the centre)");
    cmd->add_option("--acquire", s->acquisitions, "pixels to reveal per image (default 10)")->check(CLI::Range(0, 100000));
    cmd->add_option("--stride", s->candidateStride, "candidate pixels: every N-th in each direction (default 3)")->check(CLI::Range(1, 1000));
    cmd->add_option("--samples", s->samples, "draws per information estimate (default 4)")->check(CLI::Range(1, 100000));
    cmd->add_option("--observed", s->initialObserved, "share of the other pixels known at the start (default 0)")->check(CLI::Range(0.0, 0.99));
    cmd->add_option("--steps", s->imputeSteps, "SFARM calls S' of the target imputation after each step (default 16)")->check(CLI::Range(1, 100000));
    cmd->add_option("--seed", s->seed, "seed (starting pixels, random order, draws)");
    cmd->add_option("--png", *png, "write the first image with its greedy picks and its first information map to this PNG");
    cmd->add_flag("--json", *json, "print the curves as JSON on the last line");
    cmd->callback([=] {
        initTorchRuntime(0);
        const PixelModel m = loadPixelModel(*model);
        if (m.method != PixelMethod::Sfarm) throw std::invalid_argument(*model + ": acquire needs an SFARM model, this is " + pixelMethodName(m.method));
        const Images im = loadImages(*folder, false, *count);
        PixelAcquisitionSettings settings = *s;
        settings.target = parsePixelRectangle(*rect);
        settings.log = [](const std::string& line) { std::cerr << line << std::endl; };
        const PixelAcquisitionCurves c = runPixelAcquisitionBenchmark(m, im.grey, settings, cancelOnInterrupt());
        restoreInterrupt();
        if (c.greedy.empty()) throw std::runtime_error("acquisition cancelled before the curves were complete");
        std::vector<std::vector<std::string>> rows;
        for (std::size_t k = 0; k < c.greedy.size(); ++k) rows.push_back({std::to_string(k), fixed(c.greedy[k], 4), fixed(c.random[k], 4)});
        std::cout << "target " << *rect << " (X,Y,W,H), first " << im.grey.size(0) << " test images, " << fixed(c.seconds, 1) << " s:\n";
        printTable({"pixels acquired", "target MSE, SFARM greedy", "target MSE, random order"}, rows);
        std::cout << "greedy picks of image 0 (x,y):";
        for (int64_t p : c.greedyPicks.front()) std::cout << " " << p % im.width << "," << p / im.width;
        std::cout << "\n";
        if (!png->empty()) {
            writeAcquisitionPng(*png, im, settings, c);
            std::cout << "wrote " << *png << "\n";
        }
        if (*json) {
            nlohmann::json info = nlohmann::json::array();
            for (double v : c.firstInformation) info.push_back(std::isfinite(v) ? nlohmann::json(v) : nlohmann::json());
            printJsonLine({{"target", *rect}, {"images", im.grey.size(0)}, {"greedy", c.greedy}, {"random", c.random},
                           {"greedy_picks", c.greedyPicks}, {"first_information", info}, {"seconds", c.seconds}});
        }
    });
}

void addBench(CLI::App* images) {
    auto* cmd = images->add_subcommand("bench", "MSE at 5-90 % missing pixels (uniform and block masks) for each model; SFARM speed vs S'");
    auto models = std::make_shared<std::vector<std::string>>();
    auto folder = std::make_shared<std::string>(kFashionMnistFolder);
    auto count = std::make_shared<int64_t>(100);
    auto s = std::make_shared<PixelBenchmarkSettings>();
    auto masks = std::make_shared<std::vector<std::string>>(std::vector<std::string>{"uniform", "block"});
    auto speedSteps = std::make_shared<std::vector<int64_t>>(std::vector<int64_t>{784, 196, 49, 16, 4});
    auto speedImages = std::make_shared<int64_t>(16);
    auto png = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    cmd->add_option("--models", *models, "pixel model files, comma-separated (e.g. sfarm.pxm,miwae.pxm,ddpm.pxm)")->required()->delimiter(',');
    addImageSource(cmd, *folder, *count, false);
    cmd->add_option("--rates", s->missingRates, "missing shares (default 0.05,0.1,0.2,0.3,0.5,0.9)")->delimiter(',');
    cmd->add_option("--masks", *masks, "uniform,block")->delimiter(',');
    cmd->add_option("--repaint-steps", s->impute.repaint.steps, "RePaint respaced steps (default 50)");
    cmd->add_option("--repaint-jump", s->impute.repaint.jumpLength, "RePaint jump length (default 10)");
    cmd->add_option("--repaint-resamples", s->impute.repaint.resamples, "RePaint resamples (default 5)");
    cmd->add_flag("--miwae-mean", s->impute.miwaeMean, "MIWAE fills with its importance-weighted mean instead of a draw");
    cmd->add_option("--speed-steps", *speedSteps, "SFARM S' values for the speed table (default 784,196,49,16,4; empty: skip)")->delimiter(',');
    cmd->add_option("--speed-images", *speedImages, "images in the speed batch (default 16)");
    cmd->add_option("--seed", s->maskSeed, "seed of the masks and the sampling");
    cmd->add_option("--png", *png, "write the 50 % uniform completions of the first 8 images of every model to this PNG");
    cmd->add_flag("--json", *json, "print the results as JSON on the last line");
    cmd->callback([=] {
        initTorchRuntime(0);
        std::vector<PixelModel> loaded;
        for (const auto& path : *models) loaded.push_back(loadPixelModel(path));
        std::vector<const PixelModel*> pointers;
        for (const auto& m : loaded) pointers.push_back(&m);
        const Images im = loadImages(*folder, false, *count);
        PixelBenchmarkSettings settings = *s;
        settings.kinds.clear();
        for (const auto& k : *masks) settings.kinds.push_back(parsePixelMaskKind(k));
        settings.impute.seed = s->maskSeed;
        settings.log = [](const std::string& line) { std::cerr << line << std::endl; };
        const auto cells = runPixelImputationBenchmark(pointers, im.grey, settings, cancelOnInterrupt());
        restoreInterrupt();
        nlohmann::json j;
        j["images"] = im.grey.size(0);
        std::vector<std::string> header{"mask", "missing"};
        for (const auto& m : loaded) header.push_back(std::string(pixelMethodName(m.method)) + " MSE");
        for (const auto& m : loaded) header.push_back(std::string(pixelMethodName(m.method)) + " s");
        std::vector<std::vector<std::string>> rows;
        for (std::size_t c = 0; c < cells.size(); c += loaded.size()) {
            std::vector<std::string> row{pixelMaskKindName(cells[c].kind), fixed(100.0 * cells[c].missingShare, 1) + " %"};
            for (std::size_t k = 0; k < loaded.size() && c + k < cells.size(); ++k) row.push_back(fixed(cells[c + k].mse, 4));
            for (std::size_t k = 0; k < loaded.size() && c + k < cells.size(); ++k) row.push_back(fixed(cells[c + k].seconds, 1));
            rows.push_back(row);
            for (std::size_t k = 0; k < loaded.size() && c + k < cells.size(); ++k)
                j["cells"].push_back({{"mask", pixelMaskKindName(cells[c + k].kind)}, {"rate", cells[c + k].missingRate},
                                      {"share", cells[c + k].missingShare}, {"method", pixelMethodName(cells[c + k].method)},
                                      {"mse", cells[c + k].mse}, {"seconds", cells[c + k].seconds}});
        }
        std::cout << "Fashion-MNIST, first " << im.grey.size(0) << " test images, MSE over the missing pixels (grey levels in [0, 1]):\n";
        printTable(header, rows);
        for (const auto& m : loaded) {
            if (m.method != PixelMethod::Sfarm || speedSteps->empty()) continue;
            const Images few = loadImages(*folder, false, *speedImages);
            const auto points = runSfarmSpeedBenchmark(m, few.grey, *speedSteps, 0.5, s->maskSeed);
            std::vector<std::vector<std::string>> speed;
            for (const auto& p : points) {
                speed.push_back({std::to_string(p.steps), fixed(p.seconds, 2), fixed(1000.0 * p.seconds / static_cast<double>(few.grey.size(0)), 1), fixed(p.mse, 4)});
                j["speed"].push_back({{"steps", p.steps}, {"seconds", p.seconds}, {"mse", p.mse}});
            }
            std::cout << "SFARM speed vs S' (50 % uniform missing, " << few.grey.size(0) << " images in one batch):\n";
            printTable({"S'", "seconds", "ms per image", "MSE"}, speed);
        }
        if (!png->empty()) {
            const Images first = loadImages(*folder, false, 8);
            std::mt19937_64 rng(s->maskSeed);
            const at::Tensor observed = pixelObservedMask(PixelMaskKind::Uniform, 8, first.height, first.width, 0.5, rng);
            std::vector<at::Tensor> completions;
            for (const auto& m : loaded) completions.push_back(imputePixels(m, first.grey, observed, settings.impute));
            writeComparisonPng(*png, first, observed, completions);
            std::cout << "wrote " << *png << "\n";
        }
        if (*json) printJsonLine(j);
    });
}

}  // namespace

void addSfarmImageCommands(CLI::App* sfarm) {
    auto* images = sfarm->add_subcommand("images", "SFARM vs MIWAE vs DDPM + RePaint on grey-level images (Fashion-MNIST)");
    images->require_subcommand(1);
    addTrain(images);
    addImpute(images);
    addScore(images);
    addAcquire(images);
    addBench(images);
}

}  // namespace ms::cli
