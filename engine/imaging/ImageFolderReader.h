#pragma once
// Reads a user's image data set: a folder of images plus a CSV of conditions whose image column
// names each row's file (relative to the folder). Every problem gets a message naming the file
// (and CSV line): rows without an image, images without a row, unreadable or truncated images,
// images of another size. The user chooses to skip such items (with counts) or stop at the first.
// Colour images are converted to the requested channel count (counted in the report).
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/ImageSet.h"

namespace ms::imaging {

enum class ImageProblemPolicy { Skip, Stop };

struct ImageFolderOptions {
    std::string imageColumn;  // empty: the first of "file", "image", "filename", "path" (any case)
    int channels = 1;         // 1 grey or 3 colour (RGB)
    int size = 0;             // 0: the size of the first readable image; images must be square
    bool resizeMismatched = false;  // resize other sizes instead of treating them as problems
    ImageProblemPolicy policy = ImageProblemPolicy::Skip;
};

struct ImageFolderReport {
    std::size_t loaded = 0;
    std::size_t missingImages = 0;   // rows whose file does not exist
    std::size_t unreadable = 0;      // not an image, or truncated
    std::size_t wrongSize = 0;       // skipped for their size
    std::size_t resized = 0;
    std::size_t convertedChannels = 0;
    std::size_t imagesWithoutRow = 0;
    std::vector<std::string> messages;  // one per problem, capped at 50 (the counts are exact)
    std::string summary() const;
};

struct ImageFolderData {
    ImageSet images;  // the CSV rows that have an image, in CSV order
    ImageFolderReport report;
};

// Throws DataError (file, line, column) for the first problem under Stop, for an unreadable or
// malformed CSV, a missing image column, or when no image could be loaded at all.
ImageFolderData readImageFolder(const std::string& folder, const std::string& csvPath,
                                const ImageFolderOptions& options = {});

// One image file as 8-bit planes (C x H x W), converted to `channels` (1 grey, 3 RGB) and, when
// size > 0, scaled to size x size. Throws std::runtime_error naming the file when it is missing,
// unreadable or truncated.
struct ImageFile {
    std::vector<uint8_t> pixels;
    int channels = 1, width = 0, height = 0;
    int originalWidth = 0, originalHeight = 0;
};
ImageFile readImageFile(const std::string& path, int channels, int size = 0);

// Writes an 8-bit PNG (1 or 3 channels, RGB order for 3); throws std::runtime_error naming the path.
void writePngImage(const std::string& path, const uint8_t* pixels, int channels, int height, int width);

}  // namespace ms::imaging
