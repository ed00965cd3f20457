// libFuzzer target: a damaged or foreign file opened as a model (the archive layer every model
// reader shares: .msm, .msi, .sfm, .pxm, .mpd, .mpr go through loadArchiveMeta), as an mcVAE
// bundle read whole (.msm: the architecture built from its metadata, every weight), and as an
// image pack (.mspack, read whole). Allowed outcomes: the metadata / the images, or a std::exception
// whose message names the file. LibTorch's zip reader is linked as it is (not instrumented): a
// crash inside it is a finding too.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>

#include <torch/serialize/input-archive.h>

#include "FuzzFailure.h"
#include "core/io/ArchiveFile.h"
#include "core/io/ImagePack.h"
#include "mcvae/ModelBundle.h"

namespace {

template <typename Read>
void expectNamedFailureOrSuccess(const std::string& path, Read read) {
    try {
        read();
    } catch (const std::exception& e) {
        if (std::string(e.what()).find(path) == std::string::npos) failure("an error that does not name the file", e.what());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/maskstudio-fuzz-" + std::to_string(getpid()) + "-model";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    expectNamedFailureOrSuccess(path, [&] {
        torch::serialize::InputArchive archive;
        const nlohmann::json meta = ms::loadArchiveMeta(archive, path, "maskstudio-model", 1, "model bundle");
        if (!meta.is_object()) failure("metadata that is not an object came through", path.c_str());
    });
    expectNamedFailureOrSuccess(path, [&] {  // an mcVAE bundle, whole: architecture, weights, optimizer state
        const ms::mcvae::ModelBundle b = ms::mcvae::loadBundle(path);
        if (b.model.is_empty() || b.config.outputDim != static_cast<int64_t>(b.schema.outputDim()))
            failure("a bundle whose model does not fit its schema came through", path.c_str());
    });
    expectNamedFailureOrSuccess(path, [&] {
        const ms::ImageSet images = ms::loadImagePack(path);
        if (static_cast<int64_t>(images.pixels.size()) != images.count() * images.channels * images.size * images.size)
            failure("an image pack whose pixels do not match its shape", path.c_str());
    });
    return 0;
}
