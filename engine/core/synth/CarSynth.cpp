#include "core/synth/CarSynth.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "core/data/DesignTableBuilder.h"
#include "core/geometry/DesignKeypoints.h"
#include "core/geometry/Drawing.h"
#include "core/synth/SynthRandom.h"

namespace ms {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kCdMin = 0.22;
constexpr double kCdMax = 0.45;
constexpr std::size_t kPointCount = 21;
using Outline = std::array<Point2, kPointCount>;

struct Gauss {
    double mean;
    double sd;
};

// One body type. Heights in mm, angles in degrees from horizontal, x offsets in mm.
struct BodyParams {
    const char* name;
    double weight;
    std::vector<double> sizeWeights;  // small, compact, midsize, large
    double lengthOffset;              // added to the size class's typical length
    Gauss height;
    Gauss wheelbaseFraction;          // of the overall length
    Gauss frontOverhangShare;         // front share of the two overhangs
    double wheelRadiusOffset;
    Gauss archGap;                    // arch radius minus tyre radius
    Gauss groundClearance;
    Gauss noseHeight;
    Gauss hoodFrontHeight;
    Gauss windshieldBehindAxle;       // windshield base behind the front axle (negative: ahead)
    Gauss cowlHeight;
    Gauss windshieldAngle;
    Gauss tailX;                      // tail_top behind the rearmost point
    Gauss tailHeight;
    Gauss deckLength;                 // tail_top to rear_window_base (pickup: bed length)
    Gauss deckRise;                   // rear_window_base above tail_top
    Gauss rearWindowAngle;
    Gauss rearTailHeight;
    double drag;                      // typical drag coefficient
};

const std::vector<BodyParams>& bodies() {
    static const std::vector<BodyParams> table = {
        {"sedan", 0.22, {0.10, 0.35, 0.40, 0.15}, 0, {1450, 25}, {0.59, 0.012}, {0.45, 0.03},
         0, {35, 6}, {140, 12}, {550, 25}, {780, 25}, {300, 60}, {930, 20}, {28, 2},
         {70, 20}, {1020, 25}, {400, 50}, {-5, 10}, {27, 3}, {620, 25}, 0.285},
        {"hatchback", 0.18, {0.45, 0.45, 0.10, 0.0}, -150, {1480, 30}, {0.63, 0.012}, {0.55, 0.03},
         0, {32, 6}, {145, 12}, {560, 25}, {800, 25}, {200, 50}, {950, 20}, {30, 2},
         {40, 12}, {900, 30}, {70, 20}, {90, 20}, {58, 5}, {600, 25}, 0.31},
        {"wagon", 0.10, {0.05, 0.35, 0.45, 0.15}, 30, {1480, 30}, {0.59, 0.012}, {0.43, 0.03},
         0, {35, 6}, {145, 12}, {550, 25}, {790, 25}, {300, 60}, {940, 20}, {29, 2},
         {40, 12}, {950, 30}, {40, 10}, {120, 20}, {72, 4}, {620, 25}, 0.30},
        {"suv", 0.22, {0.15, 0.35, 0.30, 0.20}, 0, {1700, 50}, {0.60, 0.012}, {0.50, 0.03},
         30, {50, 6}, {200, 15}, {700, 30}, {980, 30}, {250, 60}, {1150, 25}, {34, 2},
         {40, 12}, {1050, 35}, {45, 10}, {150, 25}, {68, 5}, {700, 25}, 0.36},
        {"coupe", 0.08, {0.15, 0.35, 0.35, 0.15}, -50, {1340, 30}, {0.58, 0.012}, {0.50, 0.03},
         5, {30, 5}, {125, 10}, {480, 25}, {720, 25}, {400, 60}, {880, 20}, {25, 2},
         {60, 15}, {960, 25}, {250, 40}, {-5, 10}, {20, 2.5}, {600, 25}, 0.27},
        {"pickup", 0.10, {0.05, 0.15, 0.35, 0.45}, 350, {1820, 50}, {0.60, 0.012}, {0.45, 0.03},
         45, {60, 8}, {225, 15}, {800, 30}, {1080, 30}, {350, 60}, {1220, 25}, {36, 2},
         {20, 8}, {1080, 40}, {1750, 120}, {0, 5}, {82, 3}, {750, 25}, 0.41},
        {"van", 0.10, {0.10, 0.30, 0.30, 0.30}, 100, {1950, 60}, {0.60, 0.012}, {0.50, 0.03},
         10, {38, 6}, {165, 12}, {650, 30}, {950, 30}, {-200, 60}, {1100, 25}, {38, 2},
         {25, 8}, {1100, 40}, {30, 8}, {250, 30}, {80, 3}, {700, 25}, 0.35},
    };
    return table;
}

const std::vector<std::string>& sizeNames() {
    static const std::vector<std::string> names = {"small", "compact", "midsize", "large"};
    return names;
}
constexpr double kSizeLength[4] = {3950, 4450, 4850, 5150};
constexpr double kSizeWheelRadius[4] = {295, 315, 330, 345};
constexpr double kSizeHeight[4] = {-40, 0, 0, 30};
constexpr double kSizeDrag[4] = {0.010, 0.0, -0.005, 0.0};

double deg(double d) { return d * kPi / 180.0; }
double draw(SynthRandom& rng, Gauss g) { return rng.normal(g.mean, g.sd); }

Schema carSchema() {
    Schema s;
    for (const std::string& name : carKeypointNames())
        s.keypoints.push_back(KeypointSpec{name, "x_" + name, "y_" + name});
    std::vector<std::string> bodyNames;
    for (const BodyParams& b : bodies()) bodyNames.emplace_back(b.name);
    s.categorical = {CategoricalSpec{"body_type", bodyNames}, CategoricalSpec{"size_class", sizeNames()}};
    s.numerical = {NumericalSpec{"drag_coefficient", kCdMin, kCdMax}};
    return s;
}

double cross(Point2 o, Point2 a, Point2 b) { return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x); }

bool segmentsCross(Point2 a, Point2 b, Point2 c, Point2 d) {
    const double d1 = cross(c, d, a), d2 = cross(c, d, b), d3 = cross(a, b, c), d4 = cross(a, b, d);
    return ((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0)) && d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0;
}

// Rejects the rare draw whose noise folds the outline onto itself.
bool isSimple(const Outline& o) {
    for (std::size_t i = 0; i < kPointCount; ++i) {
        for (std::size_t j = i + 2; j < kPointCount; ++j) {
            if (i == 0 && j == kPointCount - 1) continue;  // adjacent through the closing edge
            if (segmentsCross(o[i], o[(i + 1) % kPointCount], o[j], o[(j + 1) % kPointCount]))
                return false;
        }
    }
    return true;
}

bool plausible(const Outline& o) {
    // Underside runs rearwards (x decreasing), top runs forwards, with room between points.
    for (std::size_t i = 0; i + 1 <= 11; ++i)
        if (!(o[i + 1].x < o[i].x - 5.0)) return false;
    for (std::size_t i = 13; i + 1 < kPointCount; ++i)
        if (!(o[i + 1].x > o[i].x + 15.0)) return false;
    return o[12].x < o[11].x && o[12].x < o[13].x && isSimple(o);
}

struct CarDraw {
    Outline outline;
    double drag;
};

CarDraw drawCar(SynthRandom& rng, const BodyParams& b, std::size_t size) {
    CarDraw car;
    Outline& o = car.outline;
    const double length = rng.normal(kSizeLength[size] + b.lengthOffset, 90);
    const double height = draw(rng, b.height) + kSizeHeight[size];
    const double wheelbase = draw(rng, b.wheelbaseFraction) * length;
    const double frontOverhang = draw(rng, b.frontOverhangShare) * (length - wheelbase);
    const double wheelRadius = rng.normal(kSizeWheelRadius[size] + b.wheelRadiusOffset, 8);
    const double archRadius = wheelRadius + std::max(8.0, draw(rng, b.archGap));
    const double clearance = draw(rng, b.groundClearance);
    const double sill = clearance + rng.normal(80, 15);
    const double frontAxle = length - frontOverhang;
    const double rearAxle = frontAxle - wheelbase;

    // Arches: base, 45-degree, top, 45-degree, base on a circle around the wheel centre.
    const double baseDx = std::sqrt(archRadius * archRadius - (wheelRadius - sill) * (wheelRadius - sill));
    const double diag = archRadius * std::sqrt(0.5);
    auto arch = [&](double cx, std::size_t first) {
        const Point2 pts[5] = {{cx + baseDx, sill},           {cx + diag, wheelRadius + diag},
                               {cx, wheelRadius + archRadius}, {cx - diag, wheelRadius + diag},
                               {cx - baseDx, sill}};
        for (std::size_t k = 0; k < 5; ++k)
            o[first + k] = Point2{pts[k].x + rng.normal(0, 0.8), pts[k].y + rng.normal(0, 0.8)};
    };
    arch(frontAxle, kCarFrontArchFirst);
    arch(rearAxle, kCarRearArchFirst);

    const Point2 frontArchBase = o[kCarFrontArchFirst];
    const Point2 rearArchBase = o[kCarRearArchFirst + 4];
    o[0] = Point2{length - rng.uniform(0.08, 0.18) * (length - frontArchBase.x), clearance + rng.normal(90, 15)};
    o[11] = Point2{rng.uniform(0.06, 0.15) * rearArchBase.x, clearance + rng.normal(130, 15)};
    o[12] = Point2{0.0, draw(rng, b.rearTailHeight)};

    // Rear: tail, rear window base (pickup: front of the bed), roof.
    const Point2 tail{std::max(5.0, draw(rng, b.tailX)), draw(rng, b.tailHeight)};
    const Point2 windowBase{tail.x + std::max(10.0, draw(rng, b.deckLength)), tail.y + draw(rng, b.deckRise)};
    const double roofY = height - rng.uniform(12, 30);
    const double rearAngle = deg(draw(rng, b.rearWindowAngle));
    const Point2 roofRear{windowBase.x + (roofY - windowBase.y) / std::tan(rearAngle), roofY};

    // Front: nose, hood, windshield, roof.
    const Point2 nose{length, draw(rng, b.noseHeight)};
    const double frontArchTop = wheelRadius + archRadius;
    const double hoodY = std::max({draw(rng, b.hoodFrontHeight), nose.y + 120.0, frontArchTop + 60.0});
    const Point2 hoodFront{length - rng.uniform(80, 160), hoodY};
    const double cowlY = std::max(draw(rng, b.cowlHeight), hoodY + 40.0);
    const Point2 cowl{frontAxle - draw(rng, b.windshieldBehindAxle), cowlY};
    const double windshieldAngle = draw(rng, b.windshieldAngle);
    const Point2 roofFront{cowl.x - (roofY - cowl.y) / std::tan(deg(windshieldAngle)), roofY};
    const Point2 roofMid{0.5 * (roofFront.x + roofRear.x) + rng.normal(0, 20), height};

    o[13] = tail;
    o[14] = windowBase;
    o[15] = roofRear;
    o[16] = roofMid;
    o[17] = roofFront;
    o[18] = cowl;
    o[19] = hoodFront;
    o[20] = nose;

    // Drag: body type first, then a steeper windshield and a taller body cost a little.
    const double cd = b.drag + kSizeDrag[size] + 0.003 * (windshieldAngle - b.windshieldAngle.mean) +
                      0.00005 * (height - b.height.mean) + rng.normal(0, 0.012);
    car.drag = std::clamp(std::round(cd * 1000.0) / 1000.0, kCdMin, kCdMax);
    return car;
}

}  // namespace

SynthResult synthCars(std::size_t n, std::uint64_t seed) {
    SynthResult result;
    result.schema = carSchema();
    result.table = emptyDesignTable(result.schema, n);
    DesignTable& t = result.table;
    t.rows = n;
    t.lineNumbers.assign(n, 0);

    std::vector<double> bodyWeights;
    for (const BodyParams& b : bodies()) bodyWeights.push_back(b.weight);

    SynthRandom rng(seed);
    for (std::size_t row = 0; row < n; ++row) {
        const std::size_t bodyIndex = rng.pick(bodyWeights);
        const BodyParams& body = bodies()[bodyIndex];
        const std::size_t size = rng.pick(body.sizeWeights);
        CarDraw car = drawCar(rng, body, size);
        // Redraw the shape (same conditions) until it is a clean outline; deterministic since
        // the retries consume the same random stream.
        for (int attempt = 0; attempt < 100 && !plausible(car.outline); ++attempt)
            car = drawCar(rng, body, size);
        for (const Point2& p : car.outline) {
            t.outputs.push_back(p.x);
            t.outputs.push_back(p.y);
        }
        t.categorical.push_back(static_cast<int>(bodyIndex));
        t.categorical.push_back(static_cast<int>(size));
        t.numerical.push_back(car.drag);
    }
    return result;
}

}  // namespace ms
