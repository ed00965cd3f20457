#include "core/data/IdxImages.h"

#include <ATen/ATen.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "core/data/DataError.h"

namespace ms {
namespace {

// gzread reads plain files too, so one reader serves both.
class IdxFile {
public:
    explicit IdxFile(const std::string& path) : m_path(path), m_file(gzopen(path.c_str(), "rb"), &gzclose) {
        if (!m_file) throw DataError(path, 0, "", "can not open the file");
    }
    void read(void* into, std::size_t bytes, const char* what) {
        const int got = gzread(m_file.get(), into, static_cast<unsigned>(bytes));
        if (got < 0 || static_cast<std::size_t>(got) != bytes)
            throw DataError(m_path, 0, "", std::string("the file ends inside the ") + what + " (damaged or truncated?)");
    }
    uint32_t bigEndian(const char* what) {
        unsigned char b[4];
        read(b, 4, what);
        return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
    }
    // The header: magic 0x0000 08 <dims>, then one 32-bit size per dimension.
    const std::string& path() const { return m_path; }
    std::vector<int64_t> header(uint32_t dims) {
        const uint32_t magic = bigEndian("header");
        if (magic != (0x0800u | dims))
            throw DataError(m_path, 0, "", "not an IDX file of unsigned bytes with " + std::to_string(dims) +
                                                " dimension(s) (magic number " + std::to_string(magic) + ")");
        std::vector<int64_t> sizes;
        for (uint32_t d = 0; d < dims; ++d) sizes.push_back(bigEndian("header"));
        return sizes;
    }

private:
    std::string m_path;
    std::unique_ptr<gzFile_s, int (*)(gzFile)> m_file;
};

// The data, read in chunks: a header that declares more than the file holds fails as truncated
// once what is there has been read, instead of allocating what it declares (found by tests/fuzz).
at::Tensor readBytes(IdxFile& file, std::vector<int64_t> sizes, int64_t limit) {
    if (limit > 0 && sizes[0] > limit) sizes[0] = limit;
    constexpr int64_t kMost = int64_t{1} << 40;  // 1 TiB: more than any IDX file
    int64_t total = 1;
    for (const int64_t s : sizes) {
        if (s > 0 && total > kMost / s)
            throw DataError(file.path(), 0, "", "the header declares more than 1 TiB of data (damaged?)");
        total *= s;
    }
    std::vector<uint8_t> data;
    constexpr int64_t kChunk = int64_t{1} << 22;
    while (static_cast<int64_t>(data.size()) < total) {
        const std::size_t at = data.size();
        const auto n = static_cast<std::size_t>(std::min<int64_t>(kChunk, total - static_cast<int64_t>(at)));
        data.resize(at + n);
        file.read(data.data() + at, n, "data");
    }
    at::Tensor out = at::empty(sizes, at::kByte);
    if (total > 0) std::memcpy(out.data_ptr<uint8_t>(), data.data(), data.size());
    return out;
}

}  // namespace

at::Tensor readIdxImages(const std::string& path, int64_t limit) {
    IdxFile file(path);
    return readBytes(file, file.header(3), limit);
}

at::Tensor readIdxLabels(const std::string& path, int64_t limit) {
    IdxFile file(path);
    return readBytes(file, file.header(1), limit).to(at::kLong);
}

void writeIdxImages(const std::string& path, const at::Tensor& images) {
    if (images.dim() != 3 || images.scalar_type() != at::kByte)
        throw std::invalid_argument("writeIdxImages: images must be [N, H, W] uint8");
    const bool gzip = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
    std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), gzip ? "wb" : "wbT"), &gzclose);
    if (!file) throw DataError(path, 0, "", "can not write the file");
    std::vector<unsigned char> header;
    auto put32 = [&](uint32_t v) {
        for (int shift = 24; shift >= 0; shift -= 8) header.push_back(static_cast<unsigned char>((v >> shift) & 0xffu));
    };
    put32(0x0803u);
    for (int d = 0; d < 3; ++d) put32(static_cast<uint32_t>(images.size(d)));
    const at::Tensor bytes = images.contiguous();
    const bool ok = gzwrite(file.get(), header.data(), static_cast<unsigned>(header.size())) == static_cast<int>(header.size()) &&
                    gzwrite(file.get(), bytes.data_ptr<uint8_t>(), static_cast<unsigned>(bytes.numel())) ==
                        static_cast<int>(bytes.numel());
    if (!ok) throw DataError(path, 0, "", "writing failed (disk full?)");
}

std::string fashionMnistImages(const std::string& folder, bool train) {
    return folder + (train ? "/train-images-idx3-ubyte.gz" : "/t10k-images-idx3-ubyte.gz");
}

std::string fashionMnistLabels(const std::string& folder, bool train) {
    return folder + (train ? "/train-labels-idx1-ubyte.gz" : "/t10k-labels-idx1-ubyte.gz");
}

}  // namespace ms
