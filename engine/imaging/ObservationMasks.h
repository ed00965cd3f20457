#pragma once
// Which pixels of a user's images were observed (method 3 learns from images with gaps): a mask
// file beside an image (NAME.mask.png for NAME.png; white = observed, black = not) or, when the
// conditions CSV has a `mask` column, the file it names (empty cell: no mask). An image without a
// mask is observed everywhere. Problems are named by file and skipped with a count or stopped on,
// as the user chooses: a mask of another size than its image, a mask that is not black and white
// (more than 1 % of its pixels grey), a mask that hides the whole image, a mask file without its
// image.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/ImageSet.h"
#include "imaging/ImageFolderReader.h"

namespace ms::imaging {

// The file name of NAME.ext's mask: NAME.mask.png.
std::string maskFileFor(const std::string& imageFile);
bool isMaskFile(const std::string& file);  // ends with .mask.png

struct ObservationMaskReport {
    std::size_t withMask = 0;           // images with a usable mask
    std::size_t withGaps = 0;           // of those, masks that hide at least one pixel
    std::size_t wrongSize = 0;          // skipped (or stopped on)
    std::size_t notBinary = 0;
    std::size_t hidesEverything = 0;
    std::size_t missingMasks = 0;       // named in the mask column but not found
    std::size_t masksWithoutImage = 0;  // mask files whose image is not in the set (ignored)
    std::vector<std::string> messages;  // one per problem, capped at 50
    std::string summary() const;
};

struct ObservedImages {
    ImageSet images;               // the images kept (a problem image is dropped with its row)
    std::vector<uint8_t> observed; // N x size x size, 1 = observed (shared by the channels)
    ObservationMaskReport report;
};

// images: as readImageFolder returned them from `folder`. Throws DataError naming the mask file
// for the first problem under Stop, and when no image is left.
ObservedImages readObservationMasks(const std::string& folder, ImageSet images, ImageProblemPolicy policy,
                                    const std::string& maskColumn = "mask");

}  // namespace ms::imaging
