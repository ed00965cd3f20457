#include "imaging/DesignImage.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ms::imaging {
namespace {

constexpr int kSupersample = 4;
constexpr int kShift = 4;  // OpenCV sub-pixel bits
constexpr double kSub = 1 << kShift;

struct Ink {
    double widthMm;
    int grey;  // 0 black .. 255 white
};

Ink inkFor(const std::string& layer) {
    if (layer == "frame") return {30.0, 0};
    if (layer == "fork") return {26.0, 0};
    if (layer == "seatpost") return {24.0, 0};
    if (layer == "cockpit") return {20.0, 0};
    if (layer == "wheels") return {22.0, 0};
    if (layer == "spokes") return {5.0, 70};
    if (layer == "disc") return {0.0, 150};
    if (layer == "bottles") return {6.0, 60};
    if (layer == "hubs") return {0.0, 0};
    if (layer == "drivetrain") return {12.0, 40};
    if (layer == "body") return {22.0, 0};
    return {16.0, 0};
}

double quantile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size() - 1) + 0.5);
    return v[i];
}

}  // namespace

ImageFrame imageFrameFor(const std::vector<Drawing>& drawings, double trim) {
    std::vector<double> minX, minY, maxX, maxY;
    for (const Drawing& d : drawings) {
        const Bounds b = d.bounds();
        if (!b.valid()) continue;
        minX.push_back(b.minX);
        minY.push_back(b.minY);
        maxX.push_back(b.maxX);
        maxY.push_back(b.maxY);
    }
    if (minX.empty()) return {};
    const double x0 = quantile(minX, trim), y0 = quantile(minY, trim);
    const double x1 = quantile(maxX, 1.0 - trim), y1 = quantile(maxY, 1.0 - trim);
    const double side = std::max({x1 - x0, y1 - y0, 1e-6}) * 1.08;
    return {0.5 * (x0 + x1) - side / 2.0, 0.5 * (y0 + y1) - side / 2.0, side};
}

cv::Mat renderDesignImage(const Drawing& drawing, const ImageFrame& frame, int size) {
    if (size < 8) throw std::invalid_argument("image size must be at least 8 pixels, got " + std::to_string(size));
    const int big = size * kSupersample;
    cv::Mat canvas(big, big, CV_8UC1, cv::Scalar(255));
    const double scale = big / frame.size;  // pixels per mm
    const auto px = [&](Point2 p) {
        return cv::Point(static_cast<int>(std::lround((p.x - frame.minX) * scale * kSub)),
                         static_cast<int>(std::lround((frame.minY + frame.size - p.y) * scale * kSub)));
    };
    const auto finite = [](Point2 p) { return std::isfinite(p.x) && std::isfinite(p.y); };
    // Stroke widths are given for a bicycle-sized frame (up to 2.5 m across) and grow with the frame,
    // so a car sketch (~6 m) is as legible as a bike's at the same image size.
    const double strokeScale = std::max(1.0, frame.size / 2500.0);
    const auto width = [&](double mm) { return std::max(1, static_cast<int>(std::lround(mm * strokeScale * scale))); };

    // Fills first (discs, blades, bottles, saddle), strokes on top.
    for (const Circle& c : drawing.circles) {
        if (!c.filled || !finite(c.center) || !std::isfinite(c.radius)) continue;
        const Ink ink = inkFor(c.layer);
        cv::circle(canvas, px(c.center), static_cast<int>(std::lround(std::abs(c.radius) * scale * kSub)),
                   cv::Scalar(ink.grey), cv::FILLED, cv::LINE_AA, kShift);
    }
    for (const Polyline& pl : drawing.polylines) {
        const bool solid = pl.filled || (pl.layer == "saddle" && pl.closed);
        if (!solid) continue;
        std::vector<cv::Point> pts;
        for (const Point2& p : pl.points)
            if (finite(p)) pts.push_back(px(p));
        if (pts.size() < 3) continue;
        cv::fillPoly(canvas, std::vector<std::vector<cv::Point>>{pts}, cv::Scalar(inkFor(pl.layer).grey), cv::LINE_AA, kShift);
    }
    for (const Circle& c : drawing.circles) {
        if (c.filled || !finite(c.center) || !std::isfinite(c.radius)) continue;
        const Ink ink = inkFor(c.layer);
        cv::circle(canvas, px(c.center), static_cast<int>(std::lround(std::abs(c.radius) * scale * kSub)),
                   cv::Scalar(ink.grey), width(ink.widthMm), cv::LINE_AA, kShift);
    }
    for (const Polyline& pl : drawing.polylines) {
        if (pl.filled || (pl.layer == "saddle" && pl.closed) || pl.layer == "keypoints") continue;
        std::vector<cv::Point> pts;
        for (const Point2& p : pl.points)
            if (finite(p)) pts.push_back(px(p));
        if (pts.size() < 2) continue;
        const Ink ink = inkFor(pl.layer);
        cv::polylines(canvas, std::vector<std::vector<cv::Point>>{pts}, pl.closed, cv::Scalar(ink.grey),
                      width(ink.widthMm), cv::LINE_AA, kShift);
    }
    cv::Mat out;
    cv::resize(canvas, out, cv::Size(size, size), 0, 0, cv::INTER_AREA);
    return out;
}

}  // namespace ms::imaging
