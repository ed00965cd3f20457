#pragma once
// The pixel size an image file declares, read from its header before anything is decoded. OpenCV
// allocates what a header declares before it finds the data missing (fuzzing, FuzzImageFolder: a
// 342-byte BMP declaring 65544 x 13568 pixels made it allocate 2.7 GB), so the image readers check
// the declared size first. The format comes from the content, as OpenCV picks its decoder: PNG,
// JPEG, BMP, TIFF, WebP and the PNM family (PBM, PGM, PPM); other content is refused by name.
#include <cstdint>
#include <string>
#include <vector>

namespace ms::imaging {

struct ImageHeader {
    std::string format;  // "PNG", "JPEG", ...; empty when the content is none of them or cut short
    int64_t width = 0, height = 0;
};

// The largest image the readers decode: 50 megapixels (an 8-bit RGBA copy is 200 MB; training
// images are scaled to a few hundred pixels anyway).
constexpr int64_t kLargestImagePixels = 50'000'000;

ImageHeader readImageHeader(const std::vector<unsigned char>& bytes);

// "" when the file may be decoded; otherwise why not (unknown content, no size, too large).
std::string imageHeaderProblem(const ImageHeader& header);

}  // namespace ms::imaging
