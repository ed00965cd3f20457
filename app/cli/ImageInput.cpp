#include "app/cli/ImageInput.h"

#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "core/io/ImagePack.h"
#ifdef MASKSTUDIO_HAVE_IMAGING
#include "imaging/ImageFolderReader.h"
#endif

namespace ms::cli {

namespace fs = std::filesystem;

void addImageInputOptions(CLI::App* cmd, ImageInput& in, bool required) {
    CLI::Option* images = cmd->add_option("--images", in.images, "image folder, or a packed data set (.mspack)");
    if (required) images->required();
    cmd->add_option("--conditions", in.conditions, "conditions CSV (empty: <folder>/conditions.csv)");
    cmd->add_option("--image-column", in.imageColumn, "CSV column naming the image files (empty: file/image/filename/path)");
    cmd->add_flag("--stop-on-problem", in.stop, "stop at the first bad image or row instead of skipping it");
    cmd->add_flag("--resize", in.resize, "resize images of another size instead of skipping them");
    cmd->add_option("--channels", in.channels, "1 (grey) or 3 (colour)")->check(CLI::IsMember({1, 3}));
}

ImageSet loadImageInput(const ImageInput& in) {
    if (fs::path(in.images).extension() == ".mspack") return loadImagePack(in.images);
#ifdef MASKSTUDIO_HAVE_IMAGING
    imaging::ImageFolderOptions o;
    o.imageColumn = in.imageColumn;
    o.channels = in.channels;
    o.resizeMismatched = in.resize;
    o.policy = in.stop ? imaging::ImageProblemPolicy::Stop : imaging::ImageProblemPolicy::Skip;
    const std::string csv = in.conditions.empty() ? (fs::path(in.images) / "conditions.csv").string() : in.conditions;
    imaging::ImageFolderData data = imaging::readImageFolder(in.images, csv, o);
    std::cerr << in.images << ": " << data.report.summary() << "\n";
    for (const auto& m : data.report.messages) std::cerr << "  " << m << "\n";
    return std::move(data.images);
#else
    throw std::runtime_error("reading an image folder needs image files, and this build has no OpenCV imaging target; use a .mspack data set");
#endif
}

#ifdef MASKSTUDIO_HAVE_IMAGING
imaging::ObservedImages loadObservedImageInput(const ImageInput& in) {
    imaging::ObservedImages data = imaging::readObservationMasks(
        in.images, loadImageInput(in), in.stop ? imaging::ImageProblemPolicy::Stop : imaging::ImageProblemPolicy::Skip);
    std::cerr << in.images << ": " << data.report.summary() << "\n";
    for (const auto& m : data.report.messages) std::cerr << "  " << m << "\n";
    return data;
}
#endif

}  // namespace ms::cli
