#include "core/io/ImagePack.h"

#include <ATen/ATen.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "core/io/ArchiveFile.h"
#include "core/io/BundleError.h"
#include "core/io/TorchArchiveCheck.h"

namespace ms {
namespace {

std::string csvText(const CsvTable& t) {
    const auto field = [](const std::string& f) {
        if (f.find_first_of(",\"\n\r") == std::string::npos) return f;
        std::string q = "\"";
        for (char c : f) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        return q + "\"";
    };
    std::ostringstream s;
    for (std::size_t i = 0; i < t.header.size(); ++i) s << (i ? "," : "") << field(t.header[i]);
    s << '\n';
    for (const auto& row : t.rows) {
        for (std::size_t i = 0; i < row.size(); ++i) s << (i ? "," : "") << field(row[i]);
        s << '\n';
    }
    return s.str();
}

}  // namespace

void saveImagePack(const ImageSet& images, const std::string& path) {
    torch::serialize::OutputArchive archive;
    archive.write("format", c10::IValue(std::string("maskstudio-image-pack-1")));
    archive.write("conditions_csv", c10::IValue(csvText(images.conditions)));
    archive.write("image_column", c10::IValue(images.imageColumn));
    std::string files;
    for (const auto& f : images.files) files += f + "\n";
    archive.write("files", c10::IValue(files));
    const at::Tensor px = at::from_blob(const_cast<uint8_t*>(images.pixels.data()),
                                        {images.count(), images.channels, images.size, images.size}, at::kByte)
                              .clone();
    archive.write("pixels", px);
    try {
        archive.save_to(path);
    } catch (const c10::Error& e) {
        throw std::runtime_error(path + ": could not write the image pack (" + e.what_without_backtrace() + ")");
    }
}

ImageSet loadImagePack(const std::string& path) {
    if (!std::filesystem::exists(path)) throw std::runtime_error(path + ": image pack not found");
    checkTorchArchive(path, "image pack");  // LibTorch crashes on some damaged archives (BundleError: a runtime_error)
    torch::serialize::InputArchive archive;
    c10::IValue format, csv, column, files;
    at::Tensor px;
    try {
        archive.load_from(path);
        archive.read("format", format);
        archive.read("conditions_csv", csv);
        archive.read("image_column", column);
        archive.read("files", files);
        archive.read("pixels", px);
        requireInsideStorage(px, path, "pixels");
    } catch (const BundleError&) {
        throw;  // names the path and the entry
    } catch (const std::exception&) {  // c10::Error, or the archive's attribute errors
        throw std::runtime_error(path + ": not a Maskstudio image pack");
    }
    if (!format.isString() || !csv.isString() || !column.isString() || !files.isString() || !px.defined())
        throw std::runtime_error(path + ": not a Maskstudio image pack (entries of the wrong kind)");
    if (format.toStringRef() != "maskstudio-image-pack-1") throw std::runtime_error(path + ": unknown image pack format");
    ImageSet s;
    s.source = path;
    s.conditions = parseCsv(csv.toStringRef(), path + " (conditions)");
    s.imageColumn = column.toStringRef();
    std::istringstream in(files.toStringRef());
    for (std::string line; std::getline(in, line);) s.files.push_back(line);
    if (px.dim() != 4 || px.scalar_type() != at::kByte || px.size(0) != s.count() ||
        static_cast<int64_t>(s.conditions.rows.size()) != s.count() || px.size(2) != px.size(3))
        throw std::runtime_error(path + ": damaged image pack (pixels, files and condition rows disagree)");
    s.channels = px.size(1);
    s.size = px.size(2);
    px = px.contiguous();
    s.pixels.assign(px.data_ptr<uint8_t>(), px.data_ptr<uint8_t>() + px.numel());
    return s;
}

}  // namespace ms
