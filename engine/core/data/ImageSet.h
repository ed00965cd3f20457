#pragma once
// An image data set in memory, independent of how it was read (image folder + CSV through
// OpenCV, or a packed .mspack file): 8-bit pixels N x C x H x W with one CSV row of conditions
// per image. Plain C++: neither torch nor OpenCV.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/CsvReader.h"

namespace ms {

struct ImageSet {
    CsvTable conditions;             // one row per image, the image column included
    std::string imageColumn;         // the column naming each row's file
    std::vector<std::string> files;  // per row
    std::vector<uint8_t> pixels;     // N x C x H x W, row-major
    int64_t channels = 1, size = 0;  // square images
    std::string source;              // folder or pack file, for messages
    int64_t count() const { return static_cast<int64_t>(files.size()); }
};

}  // namespace ms
