#include "core/geometry/DesignDrawing.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/geometry/CarWheel.h"
#include "core/geometry/DesignKeypoints.h"

namespace ms {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kDefaultWheelRadius = 311.0;  // a 622 mm (700c bead seat) wheel

bool finite(Point2 p) { return std::isfinite(p.x) && std::isfinite(p.y); }
Point2 add(Point2 a, Point2 b) { return Point2{a.x + b.x, a.y + b.y}; }
Point2 sub(Point2 a, Point2 b) { return Point2{a.x - b.x, a.y - b.y}; }
Point2 scaled(Point2 a, double s) { return Point2{a.x * s, a.y * s}; }
double length(Point2 a) { return std::hypot(a.x, a.y); }

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Keypoints of one design looked up by name; absent or non-finite points are simply missing.
class Keypoints {
public:
    Keypoints(const Schema& schema, const std::vector<double>& v) {
        for (std::size_t i = 0; i < schema.keypoints.size(); ++i) {
            const Point2 p{v[2 * i], v[2 * i + 1]};
            m_ordered.push_back(p);
            if (finite(p)) m_byName[schema.keypoints[i].name] = p;
        }
    }
    std::optional<Point2> get(const std::string& name) const {
        auto it = m_byName.find(name);
        if (it == m_byName.end()) return std::nullopt;
        return it->second;
    }
    const std::vector<Point2>& ordered() const { return m_ordered; }

private:
    std::map<std::string, Point2> m_byName;
    std::vector<Point2> m_ordered;
};

std::size_t countPresent(const Schema& schema, const std::vector<std::string>& names) {
    std::size_t count = 0;
    for (const std::string& n : names)
        for (const KeypointSpec& k : schema.keypoints)
            if (k.name == n) {
                ++count;
                break;
            }
    return count;
}

void addLabels(Drawing& d, const Schema& schema, const Keypoints& kp) {
    for (std::size_t i = 0; i < schema.keypoints.size(); ++i)
        if (finite(kp.ordered()[i])) d.labels.push_back(Label{kp.ordered()[i], schema.keypoints[i].name});
}

// ---- bicycle ----

// Finds an extra output like "Wheel diameter rear" (case-insensitive, any spacing/underscores).
std::optional<double> wheelDiameter(const Schema& schema, const std::vector<double>& v, const std::string& end) {
    const std::size_t base = 2 * schema.keypoints.size();
    for (std::size_t i = 0; i < schema.outputs.size(); ++i) {
        const std::string c = lower(schema.outputs[i].column);
        if (c.find("wheel") != std::string::npos && c.find("diam") != std::string::npos &&
            c.find(end) != std::string::npos) {
            const double d = v[base + i];
            if (std::isfinite(d) && d > 0.0) return d;
        }
    }
    return std::nullopt;
}

// Tyre, rim and hub, and inside the rim the wheel's style: 18 thin spokes, three solid blades
// (trispoke) or a solid disc.
void addWheel(Drawing& d, Point2 center, double radius, RimStyle style) {
    const double rim = radius * 0.92;
    const double hub = std::max(8.0, radius * 0.06);
    d.circles.push_back(Circle{center, radius, "wheels"});  // tyre
    d.circles.push_back(Circle{center, rim, "wheels"});
    switch (style) {
    case RimStyle::Disc:
        d.circles.push_back(Circle{center, rim, "disc", true});
        break;
    case RimStyle::Trispoke:
        for (int k = 0; k < 3; ++k) {
            const double a = kPi / 2.0 + k * 2.0 * kPi / 3.0;
            const Point2 dir{std::cos(a), std::sin(a)};
            const Point2 side{-dir.y, dir.x};
            const auto at = [&](double along, double halfWidth) {
                return add(center, add(scaled(dir, along), scaled(side, halfWidth)));
            };
            d.polylines.push_back(Polyline{{at(0.0, 32.0), at(rim, 20.0), at(rim, -20.0), at(0.0, -32.0)},
                                           true, "spokes", true});
        }
        break;
    case RimStyle::Spoked:
        for (int k = 0; k < 18; ++k) {
            const double a = k * 2.0 * kPi / 18.0;
            const Point2 dir{std::cos(a), std::sin(a)};
            d.polylines.push_back(Polyline{{add(center, scaled(dir, hub)), add(center, scaled(dir, rim))}, false,
                                           "spokes"});
        }
        break;
    }
    d.circles.push_back(Circle{center, hub, "hubs", true});
}

// A bottle in a cage on the tube from `from` to `to`, on the side facing `inside` (the frame's
// main triangle), over 30-72 % of the tube's length.
void addBottle(Drawing& d, std::optional<Point2> from, std::optional<Point2> to, std::optional<Point2> inside) {
    if (!from || !to || !inside) return;
    const Point2 axis = sub(*to, *from);
    const double len = length(axis);
    if (len < 1e-6) return;
    const Point2 dir = scaled(axis, 1.0 / len);
    Point2 normal{-dir.y, dir.x};
    const Point2 rel = sub(*inside, *from);
    if (rel.x * normal.x + rel.y * normal.y < 0.0) normal = scaled(normal, -1.0);
    const auto at = [&](double along, double off) {
        return add(*from, add(scaled(dir, along * len), scaled(normal, off)));
    };
    d.polylines.push_back(
        Polyline{{at(0.30, 22.0), at(0.72, 22.0), at(0.72, 92.0), at(0.30, 92.0)}, true, "bottles", true});
}

void addSegment(Drawing& d, const Keypoints& kp, const char* a, const char* b, const char* layer) {
    const auto p = kp.get(a), q = kp.get(b);
    if (p && q) d.polylines.push_back(Polyline{{*p, *q}, false, layer});
}

Drawing drawBicycle(const Schema& schema, const std::vector<double>& v, const Keypoints& kp,
                    const DesignDetails& details) {
    Drawing d;
    const auto wheelRadius = [&](const char* center, const char* end) {
        if (auto dia = wheelDiameter(schema, v, end)) return *dia / 2.0;
        const auto c = kp.get(center);
        if (c && c->y > 100.0 && c->y < 700.0) return c->y;  // resting on y = 0
        return kDefaultWheelRadius;
    };
    if (auto c = kp.get("rear_wheel_center"))
        addWheel(d, *c, wheelRadius("rear_wheel_center", "rear"), details.rimRear);
    if (auto c = kp.get("front_wheel_center"))
        addWheel(d, *c, wheelRadius("front_wheel_center", "front"), details.rimFront);

    addSegment(d, kp, "rear_wheel_center", "BB", "frame");                          // chain stay
    addSegment(d, kp, "rear_wheel_center", "rear_tube_connect_seat_tube", "frame");  // seat stay
    addSegment(d, kp, "BB", "seat_tube_top", "frame");                              // seat tube
    addSegment(d, kp, "top_tube_connect_seat_tube", "top_tube_connect_head_tube", "frame");
    addSegment(d, kp, "BB", "down_tube_connect_head_tube", "frame");
    addSegment(d, kp, "seat_tube_top", "saddle_top", "seatpost");
    addSegment(d, kp, "head_tube_top", "stem_top", "cockpit");  // stem

    // Head tube along the steering axis (head top towards the fork point), ending a little
    // below the down tube joint; the fork continues through the fork point to the axle.
    const auto headTop = kp.get("head_tube_top");
    const auto forkPoint = kp.get("front_fork");
    const auto downJoint = kp.get("down_tube_connect_head_tube");
    const auto frontAxle = kp.get("front_wheel_center");
    if (headTop) {
        std::optional<Point2> headBottom;
        if (forkPoint && downJoint && length(sub(*forkPoint, *headTop)) > 1e-9) {
            const Point2 axis = sub(*forkPoint, *headTop);
            const Point2 dir = scaled(axis, 1.0 / length(axis));
            const Point2 rel = sub(*downJoint, *headTop);
            const double along = std::min(rel.x * dir.x + rel.y * dir.y + 25.0, length(axis));
            headBottom = add(*headTop, scaled(dir, std::max(along, 0.0)));
        } else if (downJoint) {
            headBottom = downJoint;
        }
        if (headBottom) {
            d.polylines.push_back(Polyline{{*headTop, *headBottom}, false, "frame"});
            Polyline fork{{*headBottom}, false, "fork"};
            if (forkPoint) fork.points.push_back(*forkPoint);
            if (frontAxle) fork.points.push_back(*frontAxle);
            if (fork.points.size() >= 2) d.polylines.push_back(fork);
        }
    }

    if (auto stem = kp.get("stem_top")) {
        // Handlebar stub: a short bar reaching forwards and curling down, like a drop bar.
        const Point2 s = *stem;
        d.polylines.push_back(Polyline{{s, {s.x + 60, s.y + 5}, {s.x + 85, s.y - 25}, {s.x + 70, s.y - 80}},
                                       false, "cockpit"});
    }
    if (auto saddle = kp.get("saddle_top")) {
        // The saddle as a short thick line: a thin closed shape, nose forwards, top at saddle_top.
        const Point2 s = *saddle;
        d.polylines.push_back(Polyline{{{s.x - 115, s.y - 4}, {s.x - 100, s.y}, {s.x + 40, s.y},
                                        {s.x + 150, s.y - 10}, {s.x + 145, s.y - 20}, {s.x + 40, s.y - 22},
                                        {s.x - 110, s.y - 26}},
                                       true, "saddle"});
    }
    if (auto bb = kp.get("BB")) d.circles.push_back(Circle{*bb, 90.0, "drivetrain"});  // chainring
    if (details.bottleSeatTube) addBottle(d, kp.get("BB"), kp.get("seat_tube_top"), kp.get("head_tube_top"));
    if (details.bottleDownTube)
        addBottle(d, kp.get("BB"), kp.get("down_tube_connect_head_tube"), kp.get("seat_tube_top"));
    return d;
}

// ---- car ----

double wrapAngle(double a) {  // into [0, 2 pi)
    a = std::fmod(a, 2.0 * kPi);
    return a < 0.0 ? a + 2.0 * kPi : a;
}

// Arc on the wheel's arch circle from one arch base to the other, sweeping the way that passes
// the arch top (a model output need not keep the arch on one side of the centre).
void appendArc(std::vector<Point2>& out, const CarWheel& w, Point2 from, Point2 via, Point2 to) {
    const auto angle = [&](Point2 p) { return std::atan2(p.y - w.center.y, p.x - w.center.x); };
    const double a0 = angle(from);
    const double sweep = wrapAngle(angle(to) - a0);
    const double viaSweep = wrapAngle(angle(via) - a0);
    const double delta = viaSweep <= sweep ? sweep : sweep - 2.0 * kPi;
    const int steps = 32;
    for (int i = 0; i <= steps; ++i) {
        const double a = a0 + delta * i / steps;
        out.push_back(Point2{w.center.x + w.archRadius * std::cos(a), w.center.y + w.archRadius * std::sin(a)});
    }
}

Drawing drawCar(const Keypoints& kp) {
    Drawing d;
    const std::vector<std::string>& names = carKeypointNames();
    std::vector<Point2> pts;
    for (const std::string& n : names) pts.push_back(*kp.get(n));

    Polyline outline{{}, true, "outline"};
    for (std::size_t i = 0; i < pts.size();) {
        if (i == kCarFrontArchFirst || i == kCarRearArchFirst) {
            const std::vector<Point2> arch(pts.begin() + static_cast<long>(i),
                                           pts.begin() + static_cast<long>(i + kCarArchPointCount));
            const CarWheel w = carWheelFromArch(arch);
            // The arc is drawn through the fitted circle; an implausible fit keeps the points.
            const bool arcOk = w.archRadius > 0.0 && length(sub(arch.front(), arch.back())) < 4.0 * w.archRadius;
            if (arcOk)
                appendArc(outline.points, w, arch.front(), arch[2], arch.back());
            else
                outline.points.insert(outline.points.end(), arch.begin(), arch.end());
            if (w.radius > 0.0) {
                d.circles.push_back(Circle{w.center, w.radius, "wheels"});
                d.circles.push_back(Circle{w.center, w.radius * 0.62, "wheels"});  // rim
                d.circles.push_back(Circle{w.center, w.radius * 0.12, "hubs"});
            }
            i += kCarArchPointCount;
        } else {
            outline.points.push_back(pts[i]);
            ++i;
        }
    }
    d.polylines.push_back(outline);

    // Side windows: the greenhouse (rear window base, roof, windshield base) shrunk a little.
    const std::vector<Point2> glass = {*kp.get("rear_window_base"), *kp.get("roof_rear"), *kp.get("roof_mid"),
                                       *kp.get("roof_front"), *kp.get("windshield_base")};
    Point2 c{0, 0};
    for (const Point2& p : glass) c = add(c, scaled(p, 1.0 / glass.size()));
    Polyline windows{{}, true, "windows"};
    for (const Point2& p : glass) windows.points.push_back(add(c, scaled(sub(p, c), 0.9)));
    d.polylines.push_back(windows);
    return d;
}

// ---- generic ----

Drawing drawGeneric(const Keypoints& kp) {
    Drawing d;
    Bounds b;
    for (const Point2& p : kp.ordered()) b.include(p);
    const double diag = std::hypot(b.width(), b.height());
    const double r = diag > 0.0 ? 0.01 * diag : 1.0;
    Polyline path{{}, false, "path"};
    for (const Point2& p : kp.ordered()) {
        if (!finite(p)) continue;
        d.circles.push_back(Circle{p, r, "keypoints"});
        path.points.push_back(p);
    }
    if (path.points.size() >= 2) d.polylines.push_back(path);
    return d;
}

}  // namespace

DesignKind detectDesignKind(const Schema& schema) {
    const std::vector<std::string>& car = carKeypointNames();
    if (countPresent(schema, car) == car.size()) return DesignKind::Car;
    const std::vector<std::string> bikeCore = {"rear_wheel_center", "BB", "front_wheel_center"};
    if (countPresent(schema, bikeCore) == bikeCore.size() && countPresent(schema, bikeKeypointNames()) >= 8)
        return DesignKind::Bicycle;
    return DesignKind::Generic;
}

Drawing drawDesign(const Schema& schema, const std::vector<double>& outputVector, bool withLabels,
                   const DesignDetails& details) {
    if (outputVector.size() != schema.outputDim())
        throw std::invalid_argument("drawDesign: output vector has " + std::to_string(outputVector.size()) +
                                    " values, the schema needs " + std::to_string(schema.outputDim()));
    const Keypoints kp(schema, outputVector);
    Drawing d;
    switch (detectDesignKind(schema)) {
        case DesignKind::Bicycle:
            d = drawBicycle(schema, outputVector, kp, details);
            break;
        case DesignKind::Car: {
            bool complete = true;
            for (const std::string& n : carKeypointNames()) complete = complete && kp.get(n).has_value();
            d = complete ? drawCar(kp) : drawGeneric(kp);  // NaN points: no outline to close
            break;
        }
        case DesignKind::Generic:
            d = drawGeneric(kp);
            break;
    }
    if (withLabels) addLabels(d, schema, kp);
    return d;
}

}  // namespace ms
