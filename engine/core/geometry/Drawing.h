#pragma once
// Plain 2D drawing primitives in design units (millimetres for the built-in designs, y up).
// Renderers (SVG, DXF, raster) consume these, so design-specific knowledge stays in one place.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace ms {

struct Point2 {
    double x = 0.0;
    double y = 0.0;
};

struct Polyline {
    std::vector<Point2> points;
    bool closed = false;
    std::string layer;
    bool filled = false;  // closed shapes only: painted solid (bottles, trispoke blades)
};

struct Circle {
    Point2 center;
    double radius = 0.0;
    std::string layer;
    bool filled = false;  // a solid disc (disc wheels, hubs)
};

struct Label {
    Point2 at;
    std::string text;
};

// Axis-aligned bounds; starts empty (min > max) so include() needs no special first case.
struct Bounds {
    double minX = std::numeric_limits<double>::infinity();
    double minY = std::numeric_limits<double>::infinity();
    double maxX = -std::numeric_limits<double>::infinity();
    double maxY = -std::numeric_limits<double>::infinity();

    bool valid() const { return minX <= maxX && minY <= maxY; }
    double width() const { return valid() ? maxX - minX : 0.0; }
    double height() const { return valid() ? maxY - minY : 0.0; }

    void include(Point2 p) {
        // Non-finite points (e.g. a diverged model output) would poison every later view.
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) return;
        minX = std::min(minX, p.x);
        minY = std::min(minY, p.y);
        maxX = std::max(maxX, p.x);
        maxY = std::max(maxY, p.y);
    }
    void include(const Bounds& b) {
        if (!b.valid()) return;
        include(Point2{b.minX, b.minY});
        include(Point2{b.maxX, b.maxY});
    }
};

struct Drawing {
    std::vector<Polyline> polylines;
    std::vector<Circle> circles;
    std::vector<Label> labels;

    Bounds bounds() const {
        Bounds b;
        for (const Polyline& pl : polylines)
            for (const Point2& p : pl.points) b.include(p);
        for (const Circle& c : circles) {
            if (!std::isfinite(c.radius)) continue;
            const double r = std::abs(c.radius);
            b.include(Point2{c.center.x - r, c.center.y - r});
            b.include(Point2{c.center.x + r, c.center.y + r});
        }
        for (const Label& l : labels) b.include(l.at);
        return b;
    }
};

inline Bounds boundsOf(const std::vector<Drawing>& drawings) {
    Bounds b;
    for (const Drawing& d : drawings) b.include(d.bounds());
    return b;
}

}  // namespace ms
