#pragma once
// Every model file reader the studio has, each reading a file whole (the archive layer they share,
// loadArchiveMeta; then the metadata, the architecture built from it and every weight), for the
// model-file fuzz targets (FuzzModelFiles: the small kinds; FuzzImageModelFiles: the image kinds,
// whose seeds are hundreds of KB). Allowed outcomes: a model whose parts agree, or a
// std::exception whose message names the file; anything else is a finding (FuzzFailure.h).
// LibTorch's zip reader and the model code the readers construct are linked as they are (not
// instrumented): a crash inside them is a finding too.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include <torch/serialize/input-archive.h>

#include "FuzzFailure.h"
#include "core/io/ArchiveFile.h"
#include "core/io/ImagePack.h"
#include "diffusion/ImageModelBundle.h"
#include "experiments/PixelModels.h"
#include "mcvae/ModelBundle.h"
#include "partial/MaskPriorFile.h"
#include "partial/PartialModelFile.h"
#include "sfarm/SfarmModelFile.h"

namespace fuzz_models {

// MASKSTUDIO_FUZZ_VERBOSE=1: each reader's outcome on stderr (which seeds read whole, which fail where).
inline bool verbose() {
    static const bool on = std::getenv("MASKSTUDIO_FUZZ_VERBOSE") != nullptr;
    return on;
}

template <typename Read>
void expectNamedFailureOrSuccess(const char* reader, const std::string& path, Read read) {
    try {
        read();
        if (verbose()) std::fprintf(stderr, "%s: read\n", reader);
    } catch (const std::exception& e) {
        if (verbose()) std::fprintf(stderr, "%s: %.160s\n", reader, e.what());
        if (std::string(e.what()).find(path) == std::string::npos) failure("an error that does not name the file", e.what());
    }
}

inline void writeFile(const std::string& path, const std::uint8_t* data, std::size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

// The input written to this process's scratch file; its path.
inline const std::string& inputFile(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/maskstudio-fuzz-" + std::to_string(getpid()) + "-model";
    writeFile(path, data, size);
    return path;
}

inline void readArchiveMeta(const std::string& path) {
    expectNamedFailureOrSuccess("archive meta", path, [&] {
        torch::serialize::InputArchive archive;
        const nlohmann::json meta = ms::loadArchiveMeta(archive, path, "maskstudio-model", 1, "model bundle");
        if (!meta.is_object()) failure("metadata that is not an object came through", path.c_str());
    });
}

inline void readMcVaeBundle(const std::string& path) {  // .msm, whole: architecture, weights, optimizer state
    expectNamedFailureOrSuccess(".msm", path, [&] {
        const ms::mcvae::ModelBundle b = ms::mcvae::loadBundle(path);
        if (b.model.is_empty() || b.config.outputDim != static_cast<int64_t>(b.schema.outputDim()))
            failure("a bundle whose model does not fit its schema came through", path.c_str());
    });
}

inline void readImageModel(const std::string& path) {  // .msi, with or without cross-attention
    expectNamedFailureOrSuccess(".msi", path, [&] {
        const ms::diffusion::ImageModelFile f = ms::diffusion::loadImageModel(path);
        if (f.completedEpochs < 0) failure("an image model with negative epochs came through", path.c_str());
    });
}

inline void readSfarmModel(const std::string& path) {  // .sfm
    expectNamedFailureOrSuccess(".sfm", path, [&] {
        const ms::sfarm::SfarmModelFile f = ms::sfarm::loadSfarmModel(path);
        const size_t n = f.columns.size();
        if (f.mean.size() != n || f.sd.size() != n || (!f.classNames.empty() && f.classNames.size() != n))
            failure("a SFARM model whose columns and statistics differ in length came through", path.c_str());
    });
}

inline void readPartialModel(const std::string& path) {  // .mpd of a table or of images
    expectNamedFailureOrSuccess(".mpd", path, [&] {
        const ms::partial::PartialModelFile f = ms::partial::loadPartialModel(path, "");
        if (f.dataKind == "vectors" && (f.low.size() != f.columns.size() || f.high.size() != f.columns.size()))
            failure("a partial-observation model whose ranges do not match its columns came through", path.c_str());
    });
}

inline void readMaskPrior(const std::string& path) {  // .mpr of a table or of images
    expectNamedFailureOrSuccess(".mpr", path, [&] {
        const ms::partial::MaskPriorFile f = ms::partial::loadMaskPrior(path);
        if (!f.net || static_cast<int64_t>(f.observedRate.size()) != f.priorEntries())
            failure("a mask prior whose rates do not match its entries came through", path.c_str());
    });
}

inline void readPixelModel(const std::string& path) {  // .pxm
    expectNamedFailureOrSuccess(".pxm", path, [&] {
        const ms::experiments::PixelModel m = ms::experiments::loadPixelModel(path);
        if (m.height <= 0 || m.width <= 0) failure("a pixel model of no size came through", path.c_str());
    });
}

inline void readImagePack(const std::string& path) {  // .mspack
    expectNamedFailureOrSuccess(".mspack", path, [&] {
        const ms::ImageSet images = ms::loadImagePack(path);
        if (static_cast<int64_t>(images.pixels.size()) != images.count() * images.channels * images.size * images.size)
            failure("an image pack whose pixels do not match its shape", path.c_str());
    });
}

// MASKSTUDIO_FUZZ_IMAGE_MODEL=M.msi (tests/fuzz/run.sh sets it): a copy of that image model, whose
// resume state (optimizer moments, epoch position: M.msi.resume) an input can play.
inline const std::string& imageModelBesideResumeState() {
    static const std::string copy = [] {
        const char* model = std::getenv("MASKSTUDIO_FUZZ_IMAGE_MODEL");
        if (model == nullptr || *model == 0) return std::string();
        const std::string to = "/tmp/maskstudio-fuzz-" + std::to_string(getpid()) + "-image.msi";
        std::ifstream in(model, std::ios::binary);
        std::ofstream out(to, std::ios::binary | std::ios::trunc);
        out << in.rdbuf();
        if (!in || !out) failure("MASKSTUDIO_FUZZ_IMAGE_MODEL could not be copied", model);
        return to;
    }();
    return copy;
}

// The input as the resume state beside a real image model (nothing without MASKSTUDIO_FUZZ_IMAGE_MODEL).
inline void readImageModelResumeState(const std::uint8_t* data, std::size_t size) {
    const std::string& model = imageModelBesideResumeState();
    if (model.empty()) return;
    writeFile(ms::diffusion::imageModelResumePath(model), data, size);
    expectNamedFailureOrSuccess(".msi.resume", model, [&] {
        const ms::diffusion::ImageModelFile f = ms::diffusion::loadImageModel(model);
        int64_t parameters = 0;
        for (const auto& p : f.model.unet->parameters()) parameters += p.numel();
        if (f.optimizer.expAvg.defined() && (f.optimizer.expAvg.numel() != parameters || f.optimizer.expAvgSq.numel() != parameters))
            failure("optimizer moments of another size than the U-Net came through", model.c_str());
    });
}

}  // namespace fuzz_models
