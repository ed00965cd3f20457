#include "imaging/ImageHeader.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace ms::imaging {
namespace {

using Bytes = std::vector<unsigned char>;

bool startsWith(const Bytes& b, const std::string& s, std::size_t at = 0) {
    return b.size() >= at + s.size() && std::equal(s.begin(), s.end(), b.begin() + static_cast<std::ptrdiff_t>(at),
                                                  [](char c, unsigned char u) { return static_cast<unsigned char>(c) == u; });
}

uint64_t number(const Bytes& b, std::size_t at, int width, bool bigEndian) {
    uint64_t v = 0;
    for (int i = 0; i < width; ++i) {
        const std::size_t k = at + static_cast<std::size_t>(bigEndian ? i : width - 1 - i);
        v = (v << 8) | b[k];
    }
    return v;
}

ImageHeader png(const Bytes& b) {  // IHDR first: width and height, 4 bytes each, big-endian
    if (b.size() < 24 || !startsWith(b, "IHDR", 12)) return {"PNG", 0, 0};
    return {"PNG", static_cast<int64_t>(number(b, 16, 4, true)), static_cast<int64_t>(number(b, 20, 4, true))};
}

ImageHeader jpeg(const Bytes& b) {  // the first start-of-frame segment's height and width
    std::size_t p = 2;
    while (p + 4 <= b.size()) {
        if (b[p] != 0xFF) return {"JPEG", 0, 0};
        const unsigned char marker = b[p + 1];
        if (marker == 0xFF) {  // fill byte
            ++p;
            continue;
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {  // markers without a length
            p += 2;
            continue;
        }
        const bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (frame) {
            if (p + 9 > b.size()) return {"JPEG", 0, 0};
            return {"JPEG", static_cast<int64_t>(number(b, p + 7, 2, true)), static_cast<int64_t>(number(b, p + 5, 2, true))};
        }
        if (marker == 0xDA || marker == 0xD9) return {"JPEG", 0, 0};  // image data or its end before any frame
        p += 2 + number(b, p + 2, 2, true);
    }
    return {"JPEG", 0, 0};
}

ImageHeader bmp(const Bytes& b) {
    if (b.size() < 26) return {"BMP", 0, 0};
    if (number(b, 14, 4, false) == 12)  // the old OS/2 header: 16-bit sizes
        return {"BMP", static_cast<int64_t>(number(b, 18, 2, false)), static_cast<int64_t>(number(b, 20, 2, false))};
    const auto signed32 = [&](std::size_t at) { return static_cast<int64_t>(static_cast<int32_t>(number(b, at, 4, false))); };
    return {"BMP", std::llabs(signed32(18)), std::llabs(signed32(22))};  // height < 0: stored top-down
}

ImageHeader tiff(const Bytes& b, bool bigEndian) {  // the first directory's ImageWidth (256) and ImageLength (257)
    ImageHeader h{"TIFF", 0, 0};
    const uint64_t directory = number(b, 4, 4, bigEndian);
    if (directory + 2 > b.size()) return h;
    const uint64_t entries = number(b, static_cast<std::size_t>(directory), 2, bigEndian);
    for (uint64_t e = 0; e < entries; ++e) {
        const uint64_t at = directory + 2 + 12 * e;
        if (at + 12 > b.size()) break;
        const auto p = static_cast<std::size_t>(at);
        const uint64_t tag = number(b, p, 2, bigEndian), type = number(b, p + 2, 2, bigEndian);
        const int64_t value = static_cast<int64_t>(type == 3 ? number(b, p + 8, 2, bigEndian) : type == 4 ? number(b, p + 8, 4, bigEndian) : 0);
        if (tag == 256) h.width = value;
        if (tag == 257) h.height = value;
    }
    return h;
}

ImageHeader webp(const Bytes& b) {
    ImageHeader h{"WebP", 0, 0};
    if (startsWith(b, "VP8 ", 12) && b.size() >= 30 && b[23] == 0x9D && b[24] == 0x01 && b[25] == 0x2A) {
        h.width = static_cast<int64_t>(number(b, 26, 2, false) & 0x3FFF);
        h.height = static_cast<int64_t>(number(b, 28, 2, false) & 0x3FFF);
    } else if (startsWith(b, "VP8L", 12) && b.size() >= 25 && b[20] == 0x2F) {
        const uint64_t bits = number(b, 21, 4, false);
        h.width = static_cast<int64_t>((bits & 0x3FFF) + 1);
        h.height = static_cast<int64_t>(((bits >> 14) & 0x3FFF) + 1);
    } else if (startsWith(b, "VP8X", 12) && b.size() >= 30) {
        h.width = static_cast<int64_t>(number(b, 24, 3, false) + 1);
        h.height = static_cast<int64_t>(number(b, 27, 3, false) + 1);
    }
    return h;
}

ImageHeader pnm(const Bytes& b) {  // "P1".."P6", then width and height as text (comments from '#')
    ImageHeader h{"PNM", 0, 0};
    std::size_t p = 2;
    int64_t values[2] = {0, 0};
    for (int64_t& v : values) {
        while (p < b.size() && (std::isspace(b[p]) || b[p] == '#')) {
            if (b[p] == '#')
                while (p < b.size() && b[p] != '\n') ++p;
            else
                ++p;
        }
        if (p >= b.size() || !std::isdigit(b[p])) return h;
        for (int digits = 0; p < b.size() && std::isdigit(b[p]); ++p, ++digits) {
            if (digits >= 10) return h;  // more than fits: refused as no size
            v = v * 10 + (b[p] - '0');
        }
    }
    h.width = values[0];
    h.height = values[1];
    return h;
}

}  // namespace

ImageHeader readImageHeader(const Bytes& b) {
    if (startsWith(b, "\x89PNG\r\n\x1a\n")) return png(b);
    if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return jpeg(b);
    if (startsWith(b, "BM")) return bmp(b);
    if (b.size() >= 8 && (startsWith(b, std::string("II*\0", 4)) || startsWith(b, std::string("MM\0*", 4))))
        return tiff(b, b[0] == 'M');
    if (startsWith(b, "RIFF") && startsWith(b, "WEBP", 8)) return webp(b);
    if (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6' && std::isspace(b[2])) return pnm(b);
    return {};
}

std::string imageHeaderProblem(const ImageHeader& h) {
    if (h.format.empty()) return "not an image format Maskstudio reads (PNG, JPEG, BMP, TIFF, WebP, PNM)";
    if (h.width < 1 || h.height < 1) return "a " + h.format + " file whose header gives no image size (damaged?)";
    if (h.width > kLargestImagePixels / h.height)
        return "a " + h.format + " image of " + std::to_string(h.width) + " x " + std::to_string(h.height) +
               " pixels: more than the " + std::to_string(kLargestImagePixels / 1'000'000) + "-megapixel limit (scale it down first)";
    return "";
}

}  // namespace ms::imaging
