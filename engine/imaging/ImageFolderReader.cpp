#include "imaging/ImageFolderReader.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/data/DataError.h"
#include "imaging/ImageHeader.h"
#include "imaging/ObservationMasks.h"

namespace ms::imaging {
namespace fs = std::filesystem;
namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool isImageFile(const fs::path& p) {
    const std::string e = lower(p.extension().string());
    return e == ".png" || e == ".jpg" || e == ".jpeg" || e == ".bmp" || e == ".tif" || e == ".tiff" || e == ".webp";
}

// Decodes the whole file; OpenCV returns an empty Mat for unreadable data and for most truncated
// files. A PNG must also end with its IEND chunk (libpng may decode a cut file partially).
cv::Mat decode(const fs::path& path, std::string& why) {
    std::ifstream in(path, std::ios::binary);
    std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty()) {
        why = "empty or unreadable file";
        return {};
    }
    if (lower(path.extension().string()) == ".png") {
        static const unsigned char iend[] = {'I', 'E', 'N', 'D'};
        if (bytes.size() < 12 || !std::equal(iend, iend + 4, bytes.end() - 8)) {
            why = "truncated PNG (no IEND chunk at the end)";
            return {};
        }
    }
    // the size the header declares, before OpenCV allocates it
    if (const std::string problem = imageHeaderProblem(readImageHeader(bytes)); !problem.empty()) {
        why = problem;
        return {};
    }
    cv::Mat image;
    try {
        image = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
        why = "cannot decode it (damaged, or an image OpenCV refuses: " + e.err + ")";
        return {};
    }
    if (image.empty()) {
        why = "not a readable image";
        return image;
    }
    // what the conversions below take: 1, 3 or 4 channels (grey and alpha: the grey), 8 bits
    if (image.channels() == 2) cv::extractChannel(image, image, 0);
    if (image.channels() != 1 && image.channels() != 3 && image.channels() != 4) {
        why = "an image with " + std::to_string(image.channels()) + " channels (1, 3 or 4 are read)";
        return {};
    }
    return image;
}

// 8-bit with `channels` channels (BGR order for 3); true when a conversion was needed.
bool toChannels(cv::Mat& image, int channels) {
    if (image.depth() != CV_8U)  // 16 bits: the high byte; floating point: 0..1 as 0..255
        image.convertTo(image, CV_8U, image.depth() == CV_16U ? 1.0 / 257.0 : image.depth() >= CV_32F ? 255.0 : 1.0);
    const int ch = image.channels();
    if (ch == channels) return false;
    cv::Mat converted;
    if (channels == 1) cv::cvtColor(image, converted, ch == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    else cv::cvtColor(image, converted, ch == 4 ? cv::COLOR_BGRA2BGR : cv::COLOR_GRAY2BGR);
    image = converted;
    return true;
}

// Appends the image as planes (C x H x W), RGB order for colour.
void appendPlanes(cv::Mat image, std::vector<uint8_t>& out) {
    if (image.channels() == 3) cv::cvtColor(image, image, cv::COLOR_BGR2RGB);
    std::vector<cv::Mat> planes;
    cv::split(image, planes);
    for (const cv::Mat& p : planes) {
        const cv::Mat c = p.isContinuous() ? p : p.clone();
        out.insert(out.end(), c.data, c.data + c.total());
    }
}

}  // namespace

ImageFile readImageFile(const std::string& path, int channels, int size) {
    if (channels != 1 && channels != 3) throw std::invalid_argument("image channels must be 1 or 3, got " + std::to_string(channels));
    if (!fs::is_regular_file(path)) throw std::runtime_error(path + ": image not found");
    std::string why;
    cv::Mat image = decode(path, why);
    if (image.empty()) throw std::runtime_error(path + ": " + why);
    ImageFile f;
    f.originalWidth = image.cols;
    f.originalHeight = image.rows;
    toChannels(image, channels);
    if (size > 0 && (image.rows != size || image.cols != size))
        cv::resize(image, image, cv::Size(size, size), 0, 0, cv::INTER_AREA);
    f.channels = channels;
    f.width = image.cols;
    f.height = image.rows;
    appendPlanes(image, f.pixels);
    return f;
}

std::string ImageFolderReport::summary() const {
    std::ostringstream s;
    s << loaded << " image(s) loaded";
    if (missingImages) s << ", " << missingImages << " row(s) without an image skipped";
    if (unreadable) s << ", " << unreadable << " unreadable image(s) skipped";
    if (wrongSize) s << ", " << wrongSize << " image(s) of another size skipped";
    if (imagesWithoutRow) s << ", " << imagesWithoutRow << " image(s) without a CSV row ignored";
    if (resized) s << ", " << resized << " resized";
    if (convertedChannels) s << ", " << convertedChannels << " converted to " << "the requested channels";
    return s.str();
}

ImageFolderData readImageFolder(const std::string& folder, const std::string& csvPath, const ImageFolderOptions& options) {
    if (!fs::is_directory(folder)) throw DataError(folder, 0, "", "image folder not found");
    if (options.channels != 1 && options.channels != 3)
        throw std::invalid_argument("image channels must be 1 or 3, got " + std::to_string(options.channels));
    const CsvTable table = readCsvFile(csvPath);
    ImageFolderData result;
    ImageSet& out = result.images;
    out.source = folder;
    out.channels = options.channels;
    out.size = options.size;

    int column = -1;
    if (!options.imageColumn.empty()) {
        column = table.columnIndex(options.imageColumn);
        if (column < 0) throw DataError(csvPath, 1, options.imageColumn, "no such column (the image file column)");
    } else {
        for (std::size_t i = 0; i < table.header.size() && column < 0; ++i) {
            const std::string h = lower(table.header[i]);
            if (h == "file" || h == "image" || h == "filename" || h == "path") column = static_cast<int>(i);
        }
        if (column < 0)
            throw DataError(csvPath, 1, "", "no image column: name one 'file', 'image', 'filename' or 'path', or choose it");
    }
    out.imageColumn = table.header[static_cast<std::size_t>(column)];
    out.conditions.path = table.path;
    out.conditions.header = table.header;

    ImageFolderReport& rep = result.report;
    const auto problem = [&](std::size_t& counter, const std::string& file, long line, const std::string& what) {
        if (options.policy == ImageProblemPolicy::Stop) throw DataError(file, line, line > 0 ? out.imageColumn : "", what);
        ++counter;
        if (rep.messages.size() < 50)
            rep.messages.push_back(file + (line > 0 ? ":" + std::to_string(line) : "") + ": " + what + " (skipped)");
    };

    std::set<std::string> referenced;
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        const std::string& name = table.rows[r][static_cast<std::size_t>(column)];
        const long line = table.lineNumbers[r];
        const fs::path path = fs::path(folder) / name;
        referenced.insert(fs::weakly_canonical(path).string());
        if (name.empty() || !fs::is_regular_file(path)) {
            problem(rep.missingImages, csvPath, line, "image '" + name + "' not found in " + folder);
            continue;
        }
        std::string why;
        cv::Mat image = decode(path, why);
        if (image.empty()) {
            problem(rep.unreadable, path.string(), 0, why);
            continue;
        }
        if (toChannels(image, options.channels)) ++rep.convertedChannels;
        if (out.size == 0) {
            if (image.rows != image.cols) {
                problem(rep.wrongSize, path.string(), 0,
                        "image is " + std::to_string(image.cols) + "x" + std::to_string(image.rows) + "; images must be square");
                continue;
            }
            out.size = image.rows;
        }
        if (image.rows != out.size || image.cols != out.size) {
            if (!options.resizeMismatched) {
                problem(rep.wrongSize, path.string(), 0,
                        "image is " + std::to_string(image.cols) + "x" + std::to_string(image.rows) + ", the data set is " +
                            std::to_string(out.size) + "x" + std::to_string(out.size));
                continue;
            }
            cv::resize(image, image, cv::Size(static_cast<int>(out.size), static_cast<int>(out.size)), 0, 0, cv::INTER_AREA);
            ++rep.resized;
        }
        appendPlanes(image, out.pixels);
        out.conditions.rows.push_back(table.rows[r]);
        out.conditions.lineNumbers.push_back(line);
        out.files.push_back(name);
        ++rep.loaded;
    }
    for (const auto& entry : fs::directory_iterator(folder)) {
        if (!entry.is_regular_file() || !isImageFile(entry.path())) continue;
        if (isMaskFile(entry.path().filename().string())) continue;  // NAME.mask.png: an observation mask, not an image
        if (!referenced.count(fs::weakly_canonical(entry.path()).string()))
            problem(rep.imagesWithoutRow, entry.path().string(), 0, "image has no row in " + csvPath);
    }
    if (rep.loaded == 0)  // the first problem names its file and why
        throw DataError(csvPath, 0, out.imageColumn,
                        "no image could be loaded: " + rep.summary() + (rep.messages.empty() ? std::string() : "; the first: " + rep.messages.front()));
    return result;
}

void writePngImage(const std::string& path, const uint8_t* pixels, int channels, int height, int width) {
    std::vector<cv::Mat> planes;
    for (int c = 0; c < channels; ++c)
        planes.emplace_back(height, width, CV_8UC1, const_cast<uint8_t*>(pixels) + static_cast<std::size_t>(c) * height * width);
    cv::Mat image;
    cv::merge(planes, image);
    if (channels == 3) cv::cvtColor(image, image, cv::COLOR_RGB2BGR);
    bool ok = false;
    try {
        ok = cv::imwrite(path, image);
    } catch (const cv::Exception& e) {
        throw std::runtime_error("cannot write '" + path + "': " + e.what());
    }
    if (!ok) throw std::runtime_error("cannot write '" + path + "'");
}

}  // namespace ms::imaging
