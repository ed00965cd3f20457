#include "imaging/DrawingRaster.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace ms::imaging {
namespace {

constexpr int kShift = 4;  // sub-pixel bits for OpenCV's fixed-point drawing
constexpr double kSub = 1 << kShift;

const cv::Scalar kColours[] = {{40, 40, 40},   {156, 78, 31},  {43, 57, 192}, {73, 132, 30},
                               {142, 68, 173}, {0, 84, 211},   {139, 122, 17}, {80, 62, 44}};

// Design units to fixed-point pixel coordinates, y flipped.
class View {
public:
    View(const Bounds& b, int width, int height, double marginFraction) {
        const double margin = std::max(0.0, marginFraction) * std::min(width, height);
        const double availW = std::max(1.0, width - 2 * margin), availH = std::max(1.0, height - 2 * margin);
        const double bw = b.width(), bh = b.height();
        m_scale = 1.0;
        if (bw > 0 || bh > 0) m_scale = std::min(bw > 0 ? availW / bw : 1e300, bh > 0 ? availH / bh : 1e300);
        m_cx = 0.5 * (b.minX + b.maxX);
        m_cy = 0.5 * (b.minY + b.maxY);
        m_px = 0.5 * width;
        m_py = 0.5 * height;
    }
    cv::Point point(Point2 p) const {
        // Clamped so a wild model output cannot overflow OpenCV's int coordinates.
        const double x = std::clamp(m_px + (p.x - m_cx) * m_scale, -1e6, 1e6);
        const double y = std::clamp(m_py - (p.y - m_cy) * m_scale, -1e6, 1e6);
        return cv::Point(static_cast<int>(std::lround(x * kSub)), static_cast<int>(std::lround(y * kSub)));
    }
    int radius(double r) const {
        return static_cast<int>(std::lround(std::min(std::abs(r) * m_scale, 1e6) * kSub));
    }

private:
    double m_scale, m_cx, m_cy, m_px, m_py;
};

bool finitePoint(Point2 p) { return std::isfinite(p.x) && std::isfinite(p.y); }

bool boldLayer(const std::string& layer) { return layer == "frame" || layer == "fork" || layer == "outline"; }

}  // namespace

cv::Mat rasterizeDrawings(const std::vector<Drawing>& drawings, int width, int height, double marginFraction,
                          bool drawLabels) {
    if (width <= 0 || height <= 0) throw std::invalid_argument("rasterizeDrawings: image size must be positive");
    cv::Mat image(height, width, CV_8UC3, cv::Scalar(255, 255, 255));
    const Bounds b = boundsOf(drawings);
    if (!b.valid()) return image;
    const View view(b, width, height, marginFraction);
    const int thin = std::max(1, static_cast<int>(std::lround(std::min(width, height) / 300.0)));
    const double fontScale = 0.35 * std::min(width, height) / 500.0;

    for (std::size_t i = 0; i < drawings.size(); ++i) {
        const Drawing& d = drawings[i];
        const cv::Scalar colour = kColours[i % (sizeof kColours / sizeof *kColours)];
        for (const Circle& c : d.circles) {
            if (!finitePoint(c.center) || !std::isfinite(c.radius)) continue;
            if (c.filled)  // solid discs in a light tint so the outlines on top stay readable
                cv::circle(image, view.point(c.center), view.radius(c.radius), colour * 0.35 + cv::Scalar::all(255) * 0.65,
                           cv::FILLED, cv::LINE_AA, kShift);
            else
                cv::circle(image, view.point(c.center), view.radius(c.radius), colour, thin, cv::LINE_AA, kShift);
        }
        for (const Polyline& pl : d.polylines) {
            std::vector<cv::Point> pts;
            for (const Point2& p : pl.points)
                if (finitePoint(p)) pts.push_back(view.point(p));
            if (pts.empty()) continue;
            if ((pl.filled || pl.layer == "saddle") && pl.closed && pts.size() >= 3) {
                // Solid shapes (saddle, bottles, trispoke blades): filled.
                cv::fillPoly(image, std::vector<std::vector<cv::Point>>{pts}, colour, cv::LINE_AA, kShift);
                continue;
            }
            const int thickness = boldLayer(pl.layer) ? thin + 1 : thin;
            if (pts.size() == 1) {
                cv::circle(image, pts[0], thickness * static_cast<int>(kSub), colour, cv::FILLED, cv::LINE_AA, kShift);
                continue;
            }
            cv::polylines(image, std::vector<std::vector<cv::Point>>{pts}, pl.closed, colour, thickness, cv::LINE_AA,
                          kShift);
        }
        if (!drawLabels) continue;
        const cv::Scalar labelColour = colour * 0.7 + cv::Scalar::all(255) * 0.3;
        for (const Label& l : d.labels) {
            if (!finitePoint(l.at)) continue;
            const cv::Point p = view.point(l.at);
            int baseline = 0;
            const cv::Size text = cv::getTextSize(l.text, cv::FONT_HERSHEY_SIMPLEX, fontScale, 1, &baseline);
            int x = p.x / static_cast<int>(kSub) + 4;
            if (x + text.width > width) x = p.x / static_cast<int>(kSub) - 4 - text.width;  // keep it inside
            cv::putText(image, l.text, cv::Point(x, p.y / static_cast<int>(kSub) - 4), cv::FONT_HERSHEY_SIMPLEX,
                        fontScale, labelColour, 1, cv::LINE_AA);
        }
    }
    return image;
}

void writeDrawingsPng(const std::vector<Drawing>& drawings, const std::string& path, int width, int height) {
    const cv::Mat image = rasterizeDrawings(drawings, width, height);
    std::vector<unsigned char> png;
    bool encoded = false;
    try {
        encoded = cv::imencode(".png", image, png);
    } catch (const cv::Exception& e) {
        throw std::runtime_error("cannot encode PNG for '" + path + "': " + e.what());
    }
    if (!encoded) throw std::runtime_error("cannot encode PNG for '" + path + "'");
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot open '" + path + "' for writing");
    out.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
    out.close();
    if (!out) throw std::runtime_error("error while writing '" + path + "'");
}

}  // namespace ms::imaging
