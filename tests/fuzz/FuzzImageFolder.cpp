// libFuzzer target: one file of a user's image folder as the Images tab's Load, `image train
// --images` and `partial train --images` read it (imaging/ImageFolderReader and ObservationMasks):
// OpenCV's decoders linked uninstrumented, our code instrumented. The first byte picks what the
// rest is: an image (.png, .jpg, .bmp, .tif, .webp; a fixed CSV names it) or the observation mask
// (NAME.mask.png) of a fixed 8 x 8 image. Allowed outcomes: an image loaded with the size and
// channels asked for, a mask read as 0/1 per pixel, or the file skipped with its name in the
// report, or a DataError / runtime_error naming the file or the CSV. Any other exception escaping
// (an OpenCV error in a conversion, say) is a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "FuzzFailure.h"
#include "core/data/DataError.h"
#include "imaging/ImageFolderReader.h"
#include "imaging/ObservationMasks.h"

namespace fs = std::filesystem;

namespace {

void writeFile(const fs::path& path, const std::uint8_t* data, std::size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

void expectNamed(const std::string& message, const std::string& a, const std::string& b) {
    if (message.find(a) == std::string::npos && message.find(b) == std::string::npos)
        failure("an error that names neither the file nor the CSV", message.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    static const fs::path dir = fs::temp_directory_path() / ("maskstudio-fuzz-" + std::to_string(getpid()) + "-images");
    static const char* const extensions[] = {".png", ".jpg", ".bmp", ".tif", ".webp"};
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string csv = (dir / "images.csv").string();
    const bool mask = data[0] >= 0x80;  // a mask for a known image; otherwise an image
    const std::string image = mask ? std::string("a.png") : std::string("a") + extensions[data[0] % 5];
    {
        std::ofstream(csv) << "file,style\n" << image << ",road\n";
    }
    if (mask) {  // an 8 x 8 grey image, the input as its mask
        const std::vector<std::uint8_t> grey(64, 128);
        ms::imaging::writePngImage((dir / image).string(), grey.data(), 1, 8, 8);
        writeFile(dir / ms::imaging::maskFileFor(image), data + 1, size - 1);
    } else {
        writeFile(dir / image, data + 1, size - 1);
    }
    const std::string file = (dir / (mask ? ms::imaging::maskFileFor(image) : image)).string();
    for (const int channels : {1, 3}) {
        ms::imaging::ImageFolderOptions options;
        options.channels = channels;
        options.size = channels == 3 ? 16 : 0;
        options.resizeMismatched = channels == 3;
        try {
            ms::imaging::ImageFolderData read = ms::imaging::readImageFolder(dir.string(), csv, options);
            const ms::ImageSet& set = read.images;
            if (read.report.loaded != 1 || set.count() != 1 || set.size < 1 ||
                set.pixels.size() != static_cast<std::size_t>(channels) * static_cast<std::size_t>(set.size) * static_cast<std::size_t>(set.size))
                failure("an image loaded with other sizes than its report's", read.report.summary().c_str());
            if (!mask) continue;
            const ms::imaging::ObservedImages observed =
                ms::imaging::readObservationMasks(dir.string(), set, ms::imaging::ImageProblemPolicy::Skip);
            const std::size_t pixels = static_cast<std::size_t>(observed.images.size) * static_cast<std::size_t>(observed.images.size);
            if (observed.observed.size() != static_cast<std::size_t>(observed.images.count()) * pixels) failure("a mask of another size than its images", file.c_str());
            for (const std::uint8_t v : observed.observed)
                if (v > 1) failure("a mask value other than 0 or 1", file.c_str());
            if (observed.report.withMask + observed.report.wrongSize + observed.report.notBinary + observed.report.hidesEverything != 1)
                failure("a mask neither used nor counted as a problem", observed.report.summary().c_str());
        } catch (const ms::DataError& e) {
            expectNamed(e.what(), file, csv);
        }
        try {  // a single file, as the studio's previews read one
            const ms::imaging::ImageFile one = ms::imaging::readImageFile(file, channels, channels == 3 ? 16 : 0);
            if (one.pixels.size() != static_cast<std::size_t>(channels) * static_cast<std::size_t>(one.width) * static_cast<std::size_t>(one.height))
                failure("an image file read with other sizes than it says", file.c_str());
        } catch (const std::runtime_error& e) {
            expectNamed(e.what(), file, file);
        }
    }
    return 0;
}
