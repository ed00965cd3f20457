#pragma once
// The CLI's image data set input, shared by `image` and `partial`: an image folder with its
// conditions CSV (read through the OpenCV imaging target), or a packed data set (.mspack).
#include <CLI/CLI.hpp>

#include <string>

#include "core/data/ImageSet.h"
#ifdef MASKSTUDIO_HAVE_IMAGING
#include "imaging/ObservationMasks.h"
#endif

namespace ms::cli {

struct ImageInput {
    std::string images;      // folder or .mspack
    std::string conditions;  // CSV (empty: <folder>/conditions.csv)
    std::string imageColumn;
    bool stop = false;
    bool resize = false;
    int channels = 1;
};

// --images (required when `required`), --conditions, --image-column, --stop-on-problem, --resize, --channels.
void addImageInputOptions(CLI::App* cmd, ImageInput& in, bool required = true);
// Prints the folder report (counts, then one line per problem) to stderr. Throws DataError for the
// folder, std::runtime_error when this build cannot read image files.
ImageSet loadImageInput(const ImageInput& in);

#ifdef MASKSTUDIO_HAVE_IMAGING
// The images with their observation masks (NAME.mask.png beside each image, white = observed; an
// image without one is fully observed); the masks' report printed to stderr as above.
imaging::ObservedImages loadObservedImageInput(const ImageInput& in);
#endif

}  // namespace ms::cli
