#include "imaging/DesignImageSet.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include "core/data/CsvReader.h"
#include "core/geometry/DesignDrawing.h"
#include "imaging/ImageFolderReader.h"

namespace ms::imaging {
namespace {

std::string numberText(double v) {
    std::ostringstream s;
    s.precision(10);
    s << v;
    return s.str();
}

std::vector<std::string> conditionTexts(const Schema& schema, const DesignTable& t, std::size_t r) {
    std::vector<std::string> out;
    for (std::size_t c = 0; c < schema.categorical.size(); ++c) {
        const int k = t.category(r, c);
        out.push_back(k < 0 ? std::string() : schema.categorical[c].classes[static_cast<std::size_t>(k)]);
    }
    for (std::size_t c = 0; c < schema.numerical.size(); ++c) {
        const double v = t.number(r, c);
        out.push_back(std::isnan(v) ? std::string() : numberText(v));
    }
    return out;
}

}  // namespace

RenderedImageSet renderDesignImageSet(const Schema& schema, const DesignTable& table, int size, std::size_t limit) {
    const std::size_t rows = limit > 0 ? std::min(limit, table.rows) : table.rows;
    std::vector<std::string> header{"file"};
    for (const auto& c : schema.categorical) header.push_back(c.column);
    for (const auto& c : schema.numerical) header.push_back(c.column);

    std::vector<Drawing> drawings;
    std::vector<std::vector<std::string>> texts;
    for (std::size_t r = 0; r < rows; ++r) {
        const std::vector<double> v(table.outputs.begin() + static_cast<std::ptrdiff_t>(r * table.outputDim),
                                    table.outputs.begin() + static_cast<std::ptrdiff_t>((r + 1) * table.outputDim));
        std::vector<std::string> t = conditionTexts(schema, table, r);
        std::map<std::string, std::string> byName;
        for (std::size_t i = 0; i < t.size(); ++i) byName[header[i + 1]] = t[i];
        drawings.push_back(drawDesign(schema, v, false, designDetailsFrom(byName)));
        texts.push_back(std::move(t));
    }
    RenderedImageSet out;
    out.frame = imageFrameFor(drawings);
    ImageSet& set = out.images;
    set.imageColumn = "file";
    set.channels = 1;
    set.size = size;
    set.conditions.header = header;
    set.conditions.path = "conditions.csv";
    for (std::size_t r = 0; r < rows; ++r) {
        if (!drawings[r].bounds().valid()) continue;
        const cv::Mat image = renderDesignImage(drawings[r], out.frame, size);
        char name[32];
        std::snprintf(name, sizeof name, "design_%05zu.png", r);
        set.files.push_back(name);
        set.pixels.insert(set.pixels.end(), image.data, image.data + image.total());
        std::vector<std::string> row{name};
        row.insert(row.end(), texts[r].begin(), texts[r].end());
        set.conditions.rows.push_back(std::move(row));
        set.conditions.lineNumbers.push_back(static_cast<long>(set.conditions.rows.size()) + 1);
    }
    return out;
}

void writeImageFolder(const ImageSet& images, const std::string& folder) {
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) throw std::runtime_error("cannot create folder '" + folder + "': " + ec.message());
    const std::size_t plane = static_cast<std::size_t>(images.channels * images.size * images.size);
    for (std::size_t i = 0; i < images.files.size(); ++i)
        writePngImage((std::filesystem::path(folder) / images.files[i]).string(), images.pixels.data() + i * plane,
                      static_cast<int>(images.channels), static_cast<int>(images.size), static_cast<int>(images.size));
    writeCsvFile((std::filesystem::path(folder) / "conditions.csv").string(), images.conditions.header, images.conditions.rows);
}

}  // namespace ms::imaging
