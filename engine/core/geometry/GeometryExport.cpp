#include "core/geometry/GeometryExport.h"

#include "core/data/DesignTableBuilder.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ms {
namespace {

// std::to_chars ignores the C locale, which Qt sets from the environment (decimal commas).
std::string number(double v, int precision = 12) {
    if (v == 0.0) v = 0.0;  // no "-0" in files
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, precision);
    return std::string(buf, res.ptr);
}

std::ofstream openForWriting(const std::string& path) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot open '" + path + "' for writing");
    return out;
}

void finish(std::ofstream& out, const std::string& path) {
    out.close();
    if (!out) throw std::runtime_error("error while writing '" + path + "'");
}

bool finitePoint(Point2 p) { return std::isfinite(p.x) && std::isfinite(p.y); }

// ---- SVG ----

const char* const kSvgColours[] = {"#1f4e9c", "#c0392b", "#1e8449", "#8e44ad",
                                   "#d35400", "#117a8b", "#7d6608", "#2c3e50"};

std::string xmlEscape(const std::string& s) {
    std::string r;
    for (char c : s) {
        switch (c) {
            case '&': r += "&amp;"; break;
            case '<': r += "&lt;"; break;
            case '>': r += "&gt;"; break;
            case '"': r += "&quot;"; break;
            default:
                // Control characters are not allowed in XML 1.0 text.
                if (static_cast<unsigned char>(c) >= 0x20 || c == '\t') r += c;
        }
    }
    return r;
}

std::string svgPoint(Point2 p) { return number(p.x) + "," + number(-p.y); }

// ---- DXF ----

// R12 layer names: at most 31 of A-Z a-z 0-9 _ - $.
std::string dxfLayerName(std::size_t design, const std::string& layer) {
    std::string name = "D" + std::to_string(design + 1);
    if (!layer.empty()) name += "_" + layer;
    for (char& c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '$')) c = '_';
    return name.substr(0, 31);
}

std::string dxfText(const std::string& s) {
    std::string r;
    for (char c : s) r += (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) ? '?' : c;
    return r;
}

class DxfWriter {
public:
    explicit DxfWriter(std::ostream& out) : m_out(out) {}
    void pair(int code, const std::string& value) { m_out << code << "\n" << value << "\n"; }
    void pair(int code, double value) { pair(code, number(value)); }
    void pair(int code, int value) { pair(code, std::to_string(value)); }
    void point(int code, Point2 p) {
        pair(code, p.x);
        pair(code + 10, p.y);
        pair(code + 20, 0.0);
    }

private:
    std::ostream& m_out;
};

const int kDxfColours[] = {5, 1, 3, 6, 4, 30, 8, 2};  // AutoCAD colour index per design

}  // namespace

std::string svgString(const std::vector<Drawing>& drawings, double marginFraction) {
    const Bounds b = boundsOf(drawings);
    double minX = 0, minY = 0, w = 1, h = 1;
    if (b.valid()) {
        const double side = std::max({b.width(), b.height(), 1e-9});
        const double m = std::max(0.0, marginFraction) * side;
        minX = b.minX - m;
        minY = -b.maxY - m;  // flipped
        w = std::max(b.width(), 1e-9 * side) + 2 * m;
        h = std::max(b.height(), 1e-9 * side) + 2 * m;
    }
    const double side = std::max(w, h);
    const double stroke = 0.0025 * side;
    const double fontSize = 0.018 * side;
    const double pixelWidth = 1000.0, pixelHeight = std::max(1.0, std::round(1000.0 * h / w));

    std::ostringstream s;
    s << "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" << number(pixelWidth)
      << "\" height=\"" << number(pixelHeight) << "\" viewBox=\"" << number(minX) << " " << number(minY) << " "
      << number(w) << " " << number(h) << "\">\n"
      << "<!-- Maskstudio drawing in design units; svg y = -design y so designs stand upright -->\n"
      << "<rect x=\"" << number(minX) << "\" y=\"" << number(minY) << "\" width=\"" << number(w)
      << "\" height=\"" << number(h) << "\" fill=\"white\"/>\n";
    for (std::size_t i = 0; i < drawings.size(); ++i) {
        const Drawing& d = drawings[i];
        const char* colour = kSvgColours[i % (sizeof kSvgColours / sizeof *kSvgColours)];
        s << "<g id=\"design-" << (i + 1) << "\" fill=\"none\" stroke=\"" << colour
          << "\" stroke-opacity=\"0.8\" stroke-width=\"" << number(stroke)
          << "\" stroke-linecap=\"round\" stroke-linejoin=\"round\">\n";
        for (const Polyline& pl : d.polylines) {
            std::string pts;
            for (const Point2& p : pl.points) {
                if (!finitePoint(p)) continue;
                if (!pts.empty()) pts += ' ';
                pts += svgPoint(p);
            }
            if (pts.empty()) continue;
            s << "  <" << (pl.closed ? "polygon" : "polyline") << " class=\"" << xmlEscape(pl.layer)
              << "\" points=\"" << pts << "\"/>\n";
        }
        for (const Circle& c : d.circles) {
            if (!finitePoint(c.center) || !std::isfinite(c.radius)) continue;
            s << "  <circle class=\"" << xmlEscape(c.layer) << "\" cx=\"" << number(c.center.x) << "\" cy=\""
              << number(-c.center.y) << "\" r=\"" << number(std::abs(c.radius)) << "\"/>\n";
        }
        for (const Label& l : d.labels) {
            if (!finitePoint(l.at)) continue;
            s << "  <text x=\"" << number(l.at.x) << "\" y=\"" << number(-l.at.y) << "\" font-size=\""
              << number(fontSize) << "\" font-family=\"sans-serif\" fill=\"" << colour
              << "\" fill-opacity=\"0.9\" stroke=\"none\">" << xmlEscape(l.text) << "</text>\n";
        }
        s << "</g>\n";
    }
    s << "</svg>\n";
    return s.str();
}

void writeSvg(const std::vector<Drawing>& drawings, const std::string& path, double marginFraction) {
    std::ofstream out = openForWriting(path);
    out << svgString(drawings, marginFraction);
    finish(out, path);
}

void writeDxf(const std::vector<Drawing>& drawings, const std::string& path, LengthUnit unit) {
    std::ofstream out = openForWriting(path);
    DxfWriter dxf(out);
    const Bounds b = boundsOf(drawings);
    const double textHeight = b.valid() ? std::max(1e-6, 0.012 * std::max(b.width(), b.height())) : 1.0;

    // Layers in first-use order, each remembering its design's colour.
    std::vector<std::pair<std::string, int>> layers;
    auto useLayer = [&](std::size_t design, const std::string& layer) {
        const std::string name = dxfLayerName(design, layer);
        if (std::none_of(layers.begin(), layers.end(), [&](const auto& l) { return l.first == name; }))
            layers.emplace_back(name, kDxfColours[design % (sizeof kDxfColours / sizeof *kDxfColours)]);
        return name;
    };
    for (std::size_t i = 0; i < drawings.size(); ++i) {
        for (const Polyline& pl : drawings[i].polylines) useLayer(i, pl.layer);
        for (const Circle& c : drawings[i].circles) useLayer(i, c.layer);
        if (!drawings[i].labels.empty()) useLayer(i, "labels");
    }

    dxf.pair(0, "SECTION");
    dxf.pair(2, "HEADER");
    dxf.pair(9, "$ACADVER");
    dxf.pair(1, "AC1009");
    dxf.pair(9, "$INSUNITS");
    dxf.pair(70, dxfInsunits(unit));
    if (b.valid()) {
        dxf.pair(9, "$EXTMIN");
        dxf.point(10, Point2{b.minX, b.minY});
        dxf.pair(9, "$EXTMAX");
        dxf.point(10, Point2{b.maxX, b.maxY});
    }
    dxf.pair(0, "ENDSEC");

    dxf.pair(0, "SECTION");
    dxf.pair(2, "TABLES");
    dxf.pair(0, "TABLE");
    dxf.pair(2, "LTYPE");
    dxf.pair(70, 1);
    dxf.pair(0, "LTYPE");
    dxf.pair(2, "CONTINUOUS");
    dxf.pair(70, 0);
    dxf.pair(3, "Solid line");
    dxf.pair(72, 65);
    dxf.pair(73, 0);
    dxf.pair(40, 0.0);
    dxf.pair(0, "ENDTAB");
    dxf.pair(0, "TABLE");
    dxf.pair(2, "LAYER");
    dxf.pair(70, static_cast<int>(layers.size()));
    for (const auto& [name, colour] : layers) {
        dxf.pair(0, "LAYER");
        dxf.pair(2, name);
        dxf.pair(70, 0);
        dxf.pair(62, colour);
        dxf.pair(6, "CONTINUOUS");
    }
    dxf.pair(0, "ENDTAB");
    dxf.pair(0, "ENDSEC");

    dxf.pair(0, "SECTION");
    dxf.pair(2, "ENTITIES");
    for (std::size_t i = 0; i < drawings.size(); ++i) {
        for (const Polyline& pl : drawings[i].polylines) {
            std::vector<Point2> pts;
            for (const Point2& p : pl.points)
                if (finitePoint(p)) pts.push_back(p);
            if (pts.size() < 2) continue;
            const std::string layer = dxfLayerName(i, pl.layer);
            if (pts.size() == 2 && !pl.closed) {
                dxf.pair(0, "LINE");
                dxf.pair(8, layer);
                dxf.point(10, pts[0]);
                dxf.point(11, pts[1]);
                continue;
            }
            dxf.pair(0, "POLYLINE");
            dxf.pair(8, layer);
            dxf.pair(66, 1);  // vertices follow
            dxf.point(10, Point2{0, 0});
            dxf.pair(70, pl.closed ? 1 : 0);
            for (const Point2& p : pts) {
                dxf.pair(0, "VERTEX");
                dxf.pair(8, layer);
                dxf.point(10, p);
            }
            dxf.pair(0, "SEQEND");
            dxf.pair(8, layer);
        }
        for (const Circle& c : drawings[i].circles) {
            if (!finitePoint(c.center) || !std::isfinite(c.radius)) continue;
            dxf.pair(0, "CIRCLE");
            dxf.pair(8, dxfLayerName(i, c.layer));
            dxf.point(10, c.center);
            dxf.pair(40, std::abs(c.radius));
        }
        for (const Label& l : drawings[i].labels) {
            if (!finitePoint(l.at)) continue;
            dxf.pair(0, "TEXT");
            dxf.pair(8, dxfLayerName(i, "labels"));
            dxf.point(10, l.at);
            dxf.pair(40, textHeight);
            dxf.pair(1, dxfText(l.text));
        }
    }
    dxf.pair(0, "ENDSEC");
    dxf.pair(0, "EOF");
    finish(out, path);
}

void writeDesignsCsv(const Schema& schema, const std::vector<std::vector<double>>& outputVectors,
                     const std::vector<ConditionValues>& conditions, const std::string& path) {
    if (conditions.size() > 1 && conditions.size() != outputVectors.size())
        throw std::invalid_argument("writeDesignsCsv: " + std::to_string(conditions.size()) + " condition sets for " +
                                    std::to_string(outputVectors.size()) + " designs (give one for all, or one per design)");
    for (const ConditionValues& c : conditions)
        if (c.categorical.size() != schema.categorical.size() || c.numerical.size() != schema.numerical.size())
            throw std::invalid_argument("writeDesignsCsv: the condition values do not match the schema's conditions");
    DesignTable table = emptyDesignTable(schema, outputVectors.size());
    const ConditionValues unknown = ConditionValues::allUnknown(schema);
    for (std::size_t r = 0; r < outputVectors.size(); ++r) {
        if (outputVectors[r].size() != schema.outputDim())
            throw std::invalid_argument("writeDesignsCsv: design " + std::to_string(r) + " has " +
                                        std::to_string(outputVectors[r].size()) + " values, the schema needs " +
                                        std::to_string(schema.outputDim()));
        const ConditionValues& c = conditions.empty() ? unknown : conditions[conditions.size() == 1 ? 0 : r];
        table.outputs.insert(table.outputs.end(), outputVectors[r].begin(), outputVectors[r].end());
        table.categorical.insert(table.categorical.end(), c.categorical.begin(), c.categorical.end());
        table.numerical.insert(table.numerical.end(), c.numerical.begin(), c.numerical.end());
        table.lineNumbers.push_back(0);
        ++table.rows;
    }
    writeDesignCsv(path, schema, table);
}

}  // namespace ms
