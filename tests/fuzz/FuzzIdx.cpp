// libFuzzer target: an IDX file (idx3 images, idx1 labels; plain or gzip) as a user might bring a
// damaged or foreign one to `sfarm images` / `partial train --idx`. Allowed outcomes: tensors, or
// a std::exception whose message names the file; never an allocation of what a lying header
// declares (libFuzzer's -rss_limit_mb catches that).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>

#include <ATen/ATen.h>

#include "FuzzFailure.h"
#include "core/data/IdxImages.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/maskstudio-fuzz-" + std::to_string(getpid()) + "-idx";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    for (const bool images : {true, false}) {
        try {
            const at::Tensor t = images ? ms::readIdxImages(path) : ms::readIdxLabels(path);
            if (t.dim() != (images ? 3 : 1)) failure("a tensor of the wrong rank", path.c_str());
        } catch (const std::exception& e) {
            if (std::string(e.what()).find(path) == std::string::npos) failure("an error that does not name the file", e.what());
        }
    }
    return 0;
}
