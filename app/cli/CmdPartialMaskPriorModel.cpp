// maskstudio-cli partial maskprior train | sample | score: Work II's learned prior over observation
// masks on the user's own data (engine/api/MaskPriorModel): learnt from the gaps of a keypoint CSV
// (which keypoints and outputs each row has) or from an image folder's observation masks, stored
// in a .mpr file, drawn from, and scored in bits per entry.
#include <filesystem>
#include <iostream>
#include <string>

#include "api/MaskPriorModel.h"
#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"
#include "app/cli/DistributedOptions.h"
#include "app/cli/ImageInput.h"
#include "core/data/CsvReader.h"
#include "core/runtime/TorchRuntime.h"
#ifdef MASKSTUDIO_HAVE_IMAGING
#include "imaging/ImageFolderReader.h"
#endif

namespace ms::cli {
namespace {

namespace fs = std::filesystem;

void requireOneSource(const std::string& data, const ImageInput& images) {
    if (data.empty() == images.images.empty())
        throw CLI::ValidationError("--data / --images", "name a keypoint CSV (--data) or an image folder (--images), one of them");
}

struct MaskPriorTrainOptions {
    api::MaskPriorTrainRequest request;
    ImageInput images;
    DistributedOptions distributed;
    int threads = 0;
    bool json = false;

    void addTo(CLI::App* cmd) {
        api::MaskPriorTrainRequest& r = request;
        cmd->add_option("--data", r.dataPath, "keypoint CSV: an empty keypoint or output cell is unobserved");
        addImageInputOptions(cmd, images, false);
        cmd->add_option("--schema", r.schemaPath, "schema JSON (empty: inferred from the CSV)");
        cmd->add_option("--preset", r.preset, "column overrides of a preset when inferring the schema (geobiked, bike, car)");
        cmd->add_option("--out", r.outPath, "mask prior to write (.mpr)")->required();
        cmd->add_option("--updates", r.updates, "optimizer updates (0: 20,000 for a table, about 35 s; 6,000 for images)")->check(CLI::NonNegativeNumber);
        cmd->add_option("--weight-average", r.weightAverage,
                        "keep the running average of the weights with this decay per update (default: 0.999 for images, none for a table; 0: the last weights)")
            ->check(CLI::Range(0.0, 0.99999));
        cmd->add_option("--batch", r.batchSize, "batch size")->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
        cmd->add_option("--lr", r.lr, "learning rate")->check(CLI::PositiveNumber);
        cmd->add_option("--hidden", r.hidden, "a table's prior: units per layer of its MLP")->check(CLI::Range(int64_t{8}, int64_t{4096}));
        cmd->add_option("--unet-channels", r.baseChannels, "images: the prior U-Net's base channels (a multiple of 8)")
            ->check(CLI::Range(int64_t{8}, int64_t{256}));
        cmd->add_option("--seed", r.seed, "seed");
        cmd->add_option("--threads", threads, "CPU threads (0: all cores)")->check(CLI::NonNegativeNumber);
        cmd->add_flag("--json", json, "print a JSON summary on the last line");
        distributed.addTo(cmd);
    }
    void validate() const {
        requireOneSource(request.dataPath, images);
        if (request.baseChannels % 8 != 0) throw CLI::ValidationError("--unet-channels", "a multiple of 8");
    }
};

void runMaskPriorTrain(const MaskPriorTrainOptions& o) {
    initTorchRuntime(o.threads);
    api::MaskPriorTrainRequest request = o.request;
    request.distributed = o.distributed.resolved();
    const bool reports = request.distributed.rank == 0;  // every rank has the global loss: rank 0 prints it
    const auto onEpoch = [reports](int64_t epoch, double loss) {
        if (reports && epoch % 25 == 0) std::cerr << "epoch " << epoch << " loss " << fixed(loss, 4) << "\n";
    };
    api::MaskPriorTrainResult r;
    std::string source = o.request.dataPath;
    if (!o.images.images.empty()) {
#ifdef MASKSTUDIO_HAVE_IMAGING
        const imaging::ObservedImages data = loadObservedImageInput(o.images);
        const int64_t size = data.images.size;
        r = api::trainMaskPriorOnImageMasks(data.observed, data.images.count(), size, size, request, onEpoch, cancelOnInterrupt());
        source = o.images.images;
#else
        throw std::runtime_error("observation masks are image files, and this build has no OpenCV imaging target");
#endif
    } else {
        r = api::trainMaskPriorOnCsv(request, onEpoch, cancelOnInterrupt());
    }
    restoreInterrupt();
    if (request.distributed.rank > 0) {  // rank 0 writes the prior and reports it
        std::cout << request.distributed.who() << ": done, " << r.updates
                  << " updates\n";
        return;
    }
    std::cout << "trained " << o.request.outPath << " on the masks of " << source << ": " << r.rows << " rows, " << r.entries
              << " entries, " << r.distinctMasks << " distinct masks (" << fixed(100.0 * r.observedFraction, 1)
              << " % observed); " << r.updates << " updates in " << fixed(r.seconds, 1) << " s; "
              << fixed(r.bitsPerEntry, 4) << " bits per entry on these masks (independent Bernoulli: "
              << fixed(r.bernoulliBitsPerEntry, 4) << ")\n";
    if (!r.skippedLines.empty()) std::cout << r.skippedLines.size() << " row(s) without any keypoint value skipped\n";
    if (o.json)
        printJsonLine({{"model", o.request.outPath}, {"rows", r.rows}, {"entries", r.entries}, {"distinct_masks", r.distinctMasks},
                       {"observed_fraction", r.observedFraction}, {"updates", r.updates}, {"final_loss", r.finalLoss},
                       {"bits_per_entry", r.bitsPerEntry}, {"bernoulli_bits_per_entry", r.bernoulliBitsPerEntry},
                       {"skipped_lines", r.skippedLines}, {"seconds", r.seconds}});
}

struct MaskPriorSampleOptions {
    std::string modelPath, outPath;
    api::MaskPriorSampling sampling;
    int threads = 0;
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", modelPath, "mask prior (.mpr from `partial maskprior train`)")->required();
        cmd->add_option("--out", outPath, "a table's prior: CSV to write (1 = observed, 0 = missing, one column per keypoint "
                                          "or output); images: a folder for the masks (PNG, white = observed)")->required();
        cmd->add_option("--count", sampling.count, "masks to draw")->check(CLI::Range(int64_t{1}, int64_t{1000000}));
        cmd->add_option("--steps", sampling.steps, "sampler steps")->check(CLI::Range(int64_t{1}, int64_t{10000}));
        cmd->add_option("--sampler", sampling.sampler, "discrete (the BFN's n-step sampler) or ode (probability flow)")
            ->check(CLI::IsMember({"discrete", "ode"}));
        cmd->add_option("--time-power", sampling.timePower, "the sampler's time grid t_i = (i / steps)^P (larger: more steps at small t)")
            ->check(CLI::Range(0.1, 10.0));
        cmd->add_option("--seed", sampling.seed, "seed");
        cmd->add_option("--threads", threads, "CPU threads (0: all cores)")->check(CLI::NonNegativeNumber);
        cmd->add_flag("--json", json, "print a JSON summary on the last line");
    }
    void validate() const {}
};

void writeTableMasks(const api::MaskPriorDraws& d, const std::string& path) {
    const std::size_t entries = d.entries.size();
    std::vector<std::vector<std::string>> rows(static_cast<std::size_t>(d.rows));
    for (std::size_t r = 0; r < rows.size(); ++r)
        for (std::size_t e = 0; e < entries; ++e) rows[r].push_back(d.masks[r * entries + e] ? "1" : "0");
    writeCsvFile(path, d.entries, rows);
}

void writeImageMasks(const api::MaskPriorDraws& d, const std::string& folder) {
#ifdef MASKSTUDIO_HAVE_IMAGING
    fs::create_directories(folder);
    const auto plane = static_cast<std::size_t>(d.height * d.width);
    std::vector<uint8_t> grey(plane);
    for (int64_t r = 0; r < d.rows; ++r) {
        for (std::size_t i = 0; i < plane; ++i) grey[i] = d.masks[static_cast<std::size_t>(r) * plane + i] ? 255 : 0;
        char name[32];
        std::snprintf(name, sizeof name, "mask_%05lld.png", static_cast<long long>(r));
        imaging::writePngImage((fs::path(folder) / name).string(), grey.data(), 1, static_cast<int>(d.height), static_cast<int>(d.width));
    }
#else
    (void)d;
    throw std::runtime_error(folder + ": writing mask images needs the OpenCV imaging target, which this build lacks");
#endif
}

void runMaskPriorSample(const MaskPriorSampleOptions& o) {
    initTorchRuntime(o.threads);
    const api::MaskPriorDraws d = api::sampleMaskPrior(o.modelPath, o.sampling);
    if (d.dataKind == "images") writeImageMasks(d, o.outPath);
    else writeTableMasks(d, o.outPath);
    double dataObserved = 0.0, drawnObserved = 0.0, worstGap = 0.0;
    for (std::size_t e = 0; e < d.dataRate.size(); ++e) {
        dataObserved += d.dataRate[e] / static_cast<double>(d.dataRate.size());
        drawnObserved += d.drawnRate[e] / static_cast<double>(d.drawnRate.size());
        worstGap = std::max(worstGap, std::abs(d.dataRate[e] - d.drawnRate[e]));
    }
    std::cout << "wrote " << d.rows << " masks to " << o.outPath << " in " << fixed(d.seconds, 2) << " s: "
              << fixed(100.0 * drawnObserved, 1) << " % observed (the data: " << fixed(100.0 * dataObserved, 1)
              << " %; largest difference of one entry's rate " << fixed(worstGap, 3) << ")\n";
    if (d.dataKind == "vectors") {
        std::vector<std::vector<std::string>> rows;
        for (std::size_t e = 0; e < d.entries.size(); ++e)
            rows.push_back({d.entries[e], fixed(d.dataRate[e], 3), fixed(d.drawnRate[e], 3)});
        printTable({"entry", "observed in the data", "in the draws"}, rows);
    }
    if (o.json)
        printJsonLine({{"out", o.outPath}, {"masks", d.rows}, {"data_kind", d.dataKind}, {"observed_fraction", drawnObserved},
                       {"data_observed_fraction", dataObserved}, {"largest_rate_difference", worstGap},
                       {"entries", d.entries}, {"data_rate", d.dataRate}, {"drawn_rate", d.drawnRate}, {"seconds", d.seconds}});
}

struct MaskPriorScoreOptions {
    std::string modelPath, dataPath, rowsOut;
    ImageInput images;
    int64_t draws = 16;
    uint64_t seed = 0;
    int threads = 0;
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", modelPath, "mask prior (.mpr from `partial maskprior train`)")->required();
        cmd->add_option("--data", dataPath, "keypoint CSV whose gaps are scored (read with the prior's own schema)");
        addImageInputOptions(cmd, images, false);
        cmd->add_option("--draws", draws, "times t averaged per mask")->check(CLI::Range(int64_t{1}, int64_t{4096}));
        cmd->add_option("--rows-out", rowsOut, "CSV to write: each row's bits per entry (tables: with its CSV line)");
        cmd->add_option("--seed", seed, "seed");
        cmd->add_option("--threads", threads, "CPU threads (0: all cores)")->check(CLI::NonNegativeNumber);
        cmd->add_flag("--json", json, "print a JSON summary on the last line");
    }
    void validate() const { requireOneSource(dataPath, images); }
};

void runMaskPriorScore(const MaskPriorScoreOptions& o) {
    initTorchRuntime(o.threads);
    api::MaskPriorScore s;
    std::string source = o.dataPath;
    if (!o.images.images.empty()) {
#ifdef MASKSTUDIO_HAVE_IMAGING
        const imaging::ObservedImages data = loadObservedImageInput(o.images);
        s = api::scoreImageMasks(o.modelPath, data.observed, data.images.count(), data.images.size, data.images.size, o.draws, o.seed);
        source = o.images.images;
#else
        throw std::runtime_error("observation masks are image files, and this build has no OpenCV imaging target");
#endif
    } else {
        s = api::scoreCsvMasks(o.modelPath, o.dataPath, o.draws, o.seed);
    }
    if (!o.rowsOut.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (std::size_t i = 0; i < s.rowBits.size(); ++i)
            rows.push_back({std::to_string(s.lines.empty() ? long(i + 1) : s.lines[i]), fixed(s.rowBits[i], 6)});
        writeCsvFile(o.rowsOut, {s.lines.empty() ? "image" : "line", "bits_per_entry"}, rows);
    }
    std::cout << source << ": " << s.rows << " masks, " << fixed(s.bitsPerEntry, 4) << " bits per entry under the prior ("
              << fixed(s.bernoulliBitsPerEntry, 4) << " under an independent Bernoulli at the training data's rates)\n";
    if (o.json)
        printJsonLine({{"data", source}, {"masks", s.rows}, {"bits_per_entry", s.bitsPerEntry},
                       {"bernoulli_bits_per_entry", s.bernoulliBitsPerEntry}});
}

}  // namespace

void addMaskPriorModelCommands(CLI::App* maskprior) {
    addCommand<MaskPriorTrainOptions>(maskprior, "train", "Learn which entries rows observe from a keypoint CSV's gaps or an image folder's masks",
                                      runMaskPriorTrain);
    addCommand<MaskPriorSampleOptions>(maskprior, "sample", "Draw observation masks from a learnt prior (.mpr)", runMaskPriorSample);
    addCommand<MaskPriorScoreOptions>(maskprior, "score", "Bits per entry of a CSV's gaps or an image folder's masks under a prior",
                                      runMaskPriorScore);
}

}  // namespace ms::cli
