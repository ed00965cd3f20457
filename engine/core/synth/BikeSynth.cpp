#include "core/synth/BikeSynth.h"

#include <algorithm>
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
constexpr double kTeethMin = 22.0;
constexpr double kTeethMax = 60.0;

struct Gauss {
    double mean;
    double sd;
};

struct WheelOption {
    double diameter;  // outer tyre diameter, mm
    double sd;
    double weight;
};

enum class Fork { Rigid = 0, Suspension = 1, Aero = 2 };

// One bicycle style. Lengths in mm at frame size M, angles in degrees; values follow the
// medians of GeoBIKED per style so the synthetic data lands in the same ranges.
struct StyleParams {
    const char* name;
    double weight;
    std::vector<WheelOption> wheels;
    Gauss chainstay;  // horizontal rear axle to BB
    Gauss bbDrop;     // rear axle height above BB (negative: BB above the axle, BMX)
    Gauss seatAngle;
    Gauss headAngle;
    Gauss seatTube;   // BB to seat tube top
    Gauss reach;      // horizontal BB to head tube top
    Gauss axleToCrown;
    Gauss headTube;
    Gauss seatTubeExposed;  // seat tube above the top tube joint (sloping top tubes: more)
    Gauss saddle;     // saddle height above BB, or exposed seatpost when lowSaddle
    bool lowSaddle;   // BMX and dirt jump: the saddle sits just above the frame
    Gauss stemLength;
    Gauss stemAngle;  // from horizontal, positive upwards
    double spacer;
    Gauss teeth;
    double seatBottle;
    double downBottle;
    double aeroWheels;  // chance of a trispoke/disc wheel set
    Fork usualFork;
    std::vector<double> forkWeights;  // rigid, suspension, aero
    std::vector<double> sizeWeights;  // XS, S, M, L, XL
};

const std::vector<StyleParams>& styles() {
    static const std::vector<StyleParams> table = {
        {"ROAD", 0.26, {{674, 5, 0.80}, {686, 5, 0.15}, {617, 5, 0.05}},
         {402, 8}, {70, 5}, {73.5, 0.8}, {71.5, 0.9}, {545, 25}, {385, 12}, {410, 8}, {165, 15},
         {38, 10}, {695, 28}, false, {105, 12}, {-4, 5}, 20, {51, 2.5}, 0.12, 0.30, 0.05,
         Fork::Rigid, {0.94, 0.03, 0.03}, {0.22, 0.13, 0.40, 0.17, 0.08}},
        {"MTB", 0.16, {{660, 8, 0.30}, {700, 8, 0.35}, {745, 8, 0.35}},
         {425, 10}, {48, 14}, {73.3, 1.0}, {67.5, 1.3}, {460, 35}, {405, 18}, {530, 18},
         {120, 15}, {60, 18}, {690, 35}, false, {65, 12}, {5, 5}, 20, {34, 3.5}, 0.09, 0.21,
         0.01, Fork::Suspension, {0.25, 0.75, 0.0}, {0.08, 0.15, 0.42, 0.22, 0.13}},
        {"TRACK", 0.10, {{674, 4, 0.88}, {686, 5, 0.12}},
         {386, 8}, {55, 8}, {74.5, 1.0}, {72.5, 1.0}, {570, 25}, {395, 12}, {405, 8}, {150, 15},
         {38, 8}, {705, 28}, false, {110, 12}, {-8, 5}, 10, {50, 3}, 0.0, 0.0, 0.30,
         Fork::Rigid, {0.90, 0.02, 0.08}, {0.20, 0.15, 0.35, 0.20, 0.10}},
        {"BMX", 0.06, {{496, 6, 0.85}, {600, 8, 0.15}},
         {340, 12}, {-20, 14}, {71.5, 1.5}, {74, 1.0}, {230, 25}, {405, 18}, {340, 10},
         {110, 10}, {14, 5}, {70, 25}, true, {50, 8}, {15, 6}, 15, {28, 2.5}, 0.0, 0.0, 0.15,
         Fork::Rigid, {0.88, 0.12, 0.0}, {0.12, 0.18, 0.45, 0.20, 0.05}},
        {"DIRT_JUMP", 0.07, {{670, 9, 0.70}, {610, 9, 0.30}},
         {385, 10}, {5, 10}, {72, 1.0}, {69, 1.0}, {300, 25}, {375, 18}, {490, 15}, {110, 12},
         {35, 10}, {80, 30}, true, {45, 8}, {10, 6}, 15, {28, 3}, 0.0, 0.01, 0.01,
         Fork::Suspension, {0.08, 0.92, 0.0}, {0.03, 0.05, 0.40, 0.40, 0.12}},
        {"TIMETRIAL", 0.06, {{674, 4, 0.90}, {686, 4, 0.10}},
         {395, 7}, {70, 5}, {76, 1.2}, {72, 1.0}, {540, 30}, {410, 15}, {395, 8}, {135, 15},
         {45, 12}, {705, 28}, false, {110, 12}, {-8, 5}, 10, {54, 2.5}, 0.0, 0.0, 0.75,
         Fork::Rigid, {0.55, 0.0, 0.45}, {0.07, 0.10, 0.55, 0.20, 0.08}},
        {"CITY", 0.08, {{702, 6, 0.55}, {645, 9, 0.30}, {712, 6, 0.15}},
         {420, 15}, {60, 10}, {72.5, 1.2}, {70, 1.2}, {500, 40}, {380, 15}, {415, 15},
         {170, 20}, {40, 15}, {680, 30}, false, {80, 12}, {15, 6}, 30, {42, 4}, 0.05, 0.08,
         0.03, Fork::Rigid, {0.85, 0.15, 0.0}, {0.20, 0.20, 0.35, 0.15, 0.10}},
        {"TOURING", 0.07, {{690, 6, 0.65}, {650, 8, 0.35}},
         {440, 10}, {72, 6}, {73, 1.0}, {71, 1.0}, {540, 35}, {380, 15}, {395, 8}, {175, 18},
         {40, 12}, {690, 30}, false, {95, 12}, {5, 5}, 35, {46, 2}, 0.40, 0.50, 0.0,
         Fork::Rigid, {0.96, 0.04, 0.0}, {0.30, 0.15, 0.40, 0.10, 0.05}},
        {"CYCLOCROSS", 0.07, {{686, 5, 0.90}, {680, 5, 0.10}},
         {420, 8}, {63, 6}, {73.5, 0.8}, {71.5, 0.8}, {545, 25}, {385, 12}, {395, 8}, {155, 15},
         {40, 10}, {690, 28}, false, {100, 12}, {-2, 5}, 25, {46, 3}, 0.10, 0.25, 0.01,
         Fork::Rigid, {0.97, 0.03, 0.0}, {0.10, 0.17, 0.50, 0.13, 0.10}},
        {"GRAVEL", 0.07, {{704, 6, 0.65}, {680, 6, 0.35}},
         {425, 10}, {72, 6}, {73.5, 0.8}, {70.5, 1.0}, {530, 30}, {380, 14}, {400, 8},
         {160, 18}, {45, 14}, {690, 28}, false, {90, 12}, {0, 5}, 30, {42, 3}, 0.35, 0.55,
         0.01, Fork::Rigid, {0.85, 0.15, 0.0}, {0.12, 0.18, 0.40, 0.20, 0.10}},
    };
    return table;
}

// Per frame size XS..XL: how tube lengths, head tube, reach and saddle height scale.
constexpr double kTubeScale[5] = {0.86, 0.93, 1.0, 1.07, 1.14};
constexpr double kHeadTubeScale[5] = {0.72, 0.86, 1.0, 1.14, 1.28};
constexpr double kReachScale[5] = {0.93, 0.965, 1.0, 1.035, 1.07};
constexpr double kSaddleScale[5] = {0.91, 0.955, 1.0, 1.045, 1.09};

double deg(double d) { return d * kPi / 180.0; }
double draw(SynthRandom& rng, Gauss g) { return rng.normal(g.mean, g.sd); }
Point2 add(Point2 a, Point2 b) { return Point2{a.x + b.x, a.y + b.y}; }
Point2 scaled(Point2 a, double s) { return Point2{a.x * s, a.y * s}; }

Schema bikeSchema() {
    Schema s;
    for (const std::string& name : bikeKeypointNames())
        s.keypoints.push_back(KeypointSpec{name, "x_" + name, "y_" + name});
    s.outputs = {OutputSpec{"Wheel diameter rear"}, OutputSpec{"Wheel diameter front"}};
    std::vector<std::string> styleNames;
    for (const StyleParams& p : styles()) styleNames.emplace_back(p.name);
    s.categorical = {
        CategoricalSpec{"BikeStyle", styleNames},
        CategoricalSpec{"bottle SEATTUBE0 show OHCLASS: True", {"0", "1"}},
        CategoricalSpec{"bottle DOWNTUBE0 show OHCLASS: True", {"0", "1"}},
        CategoricalSpec{"frame_size", {"XS", "S", "M", "L", "XL"}},
        CategoricalSpec{"RIM_STYLE front", {"spoked", "trispoke", "disc"}},
        CategoricalSpec{"RIM_STYLE rear", {"spoked", "trispoke", "disc"}},
        CategoricalSpec{"Fork type", {"0", "1", "2"}},
    };
    s.numerical = {NumericalSpec{"Teeth on chainring", kTeethMin, kTeethMax, {}, true}};
    return s;
}

struct Rims {
    int front;  // 0 spoked, 1 trispoke, 2 disc
    int rear;
};

Rims drawRims(SynthRandom& rng, double aeroChance) {
    // Aero wheels come as a set: a trispoke or disc front usually goes with a disc rear.
    if (rng.bernoulli(aeroChance)) {
        const int front = static_cast<int>(rng.pick({0.18, 0.70, 0.12}));
        const int rear = static_cast<int>(rng.pick({0.10, 0.20, 0.70}));
        return {front, rear};
    }
    const int front = static_cast<int>(rng.pick({0.985, 0.012, 0.003}));
    const int rear = static_cast<int>(rng.pick({0.980, 0.012, 0.008}));
    return {front, rear};
}

}  // namespace

SynthResult synthBikes(std::size_t n, std::uint64_t seed) {
    SynthResult result;
    result.schema = bikeSchema();
    result.table = emptyDesignTable(result.schema, n);
    DesignTable& t = result.table;
    t.rows = n;
    t.lineNumbers.assign(n, 0);

    std::vector<double> styleWeights;
    for (const StyleParams& p : styles()) styleWeights.push_back(p.weight);

    SynthRandom rng(seed);
    for (std::size_t row = 0; row < n; ++row) {
        const std::size_t styleIndex = rng.pick(styleWeights);
        const StyleParams& p = styles()[styleIndex];
        const std::size_t size = rng.pick(p.sizeWeights);
        const Fork fork = static_cast<Fork>(rng.pick(p.forkWeights));

        // Wheels: mostly the same size front and rear; mullet MTBs and small road frames vary.
        const WheelOption& w = p.wheels[rng.pick([&] {
            std::vector<double> ws;
            for (const WheelOption& o : p.wheels) ws.push_back(o.weight);
            return ws;
        }())];
        double dRear = rng.normal(w.diameter, w.sd);
        double dFront = dRear;
        const std::string style = p.name;
        if (style == "ROAD" && size == 0 && rng.bernoulli(0.2)) dRear = dFront = rng.normal(617, 5);
        if (style == "MTB" && rng.bernoulli(0.08)) {
            dFront = rng.normal(745, 8);
            dRear = rng.normal(700, 8);
        }
        if (style == "TRACK" && rng.bernoulli(0.05)) dFront = rng.normal(617, 5);
        dRear = std::round(dRear);
        dFront = std::round(dFront);
        const double rRear = dRear / 2.0, rFront = dFront / 2.0;

        // Frame parameters; a fork other than the style's usual one changes the front end.
        double axleToCrown = draw(rng, p.axleToCrown);
        double headAngle = draw(rng, p.headAngle);
        double rake = rng.normal(30, 5);
        if (fork == Fork::Suspension && p.usualFork != Fork::Suspension) {
            axleToCrown += 45;
            headAngle -= 1.0;
        } else if (fork == Fork::Rigid && p.usualFork == Fork::Suspension) {
            axleToCrown -= 35;
            headAngle += 0.5;
        } else if (fork == Fork::Aero) {
            axleToCrown += 5;
            rake += 5;
        }
        const double chainstay = draw(rng, p.chainstay);
        const double bbDrop = draw(rng, p.bbDrop);
        const double seatAngle = draw(rng, p.seatAngle) + (size == 0 ? 0.5 : 0.0);
        const double seatTube = draw(rng, p.seatTube) * kTubeScale[size];
        const double reach = draw(rng, p.reach) * kReachScale[size];
        const double headTube = std::max(70.0, draw(rng, p.headTube) * kHeadTubeScale[size]);
        const double exposed = std::max(8.0, draw(rng, p.seatTubeExposed));
        double stayBelow = 16.0 + std::abs(rng.normal(0, 6));
        if (!p.lowSaddle && rng.bernoulli(0.25)) stayBelow += rng.uniform(60, 120);  // dropped stays

        // Absolute frame: rear wheel just inside x = 0, tyres on the ground at y = 0.
        const Point2 rearWheel{rRear + 3.0 + std::abs(rng.normal(0, 3)), rRear};
        const Point2 bb{rearWheel.x + chainstay, rRear - bbDrop};

        const Point2 seatDir{-std::cos(deg(seatAngle)), std::sin(deg(seatAngle))};
        const Point2 seatTop = add(bb, scaled(seatDir, seatTube));
        const Point2 topTubeSeat = add(bb, scaled(seatDir, seatTube - exposed));
        const Point2 stayJoint = add(bb, scaled(seatDir, std::max(0.3 * seatTube, seatTube - exposed - stayBelow)));

        // Steering axis through the head tube; the axle sits `rake` ahead of it.
        const double ha = deg(headAngle);
        const Point2 down{std::cos(ha), -std::sin(ha)};
        const Point2 ahead{std::sin(ha), std::cos(ha)};
        const double axleY = rFront - bb.y;  // front axle height relative to BB
        const double forkSpan = headTube + axleToCrown;
        const Point2 headTopRel{reach, axleY + forkSpan * std::sin(ha) - rake * std::cos(ha)};
        const Point2 headTop = add(bb, headTopRel);
        Point2 frontWheel = add(headTop, add(scaled(down, forkSpan), scaled(ahead, rake)));
        frontWheel.y = rFront;  // exact, as in GeoBIKED

        const double topJointOffset = 30.0 + 0.35 * headTube + rng.normal(0, 6);
        const Point2 topTubeHead = add(headTop, scaled(down, topJointOffset));
        const Point2 downTubeHead = add(headTop, scaled(down, headTube - rng.normal(12, 3)));
        const double forkPointY = frontWheel.y + rng.normal(0.36, 0.03) * rFront;
        const Point2 forkPoint = add(headTop, scaled(down, (headTop.y - forkPointY) / std::sin(ha)));

        const double stemAngle = deg(draw(rng, p.stemAngle));
        const double stemLength = std::max(30.0, draw(rng, p.stemLength));
        const double spacer = std::max(0.0, rng.normal(p.spacer, 8));
        const Point2 stemTop = add(add(headTop, scaled(down, -spacer)),
                                   Point2{stemLength * std::cos(stemAngle), stemLength * std::sin(stemAngle)});

        // GeoBIKED puts the saddle straight above the seat tube top (same x).
        double saddleY;
        if (p.lowSaddle) {
            saddleY = seatTop.y + std::max(30.0, draw(rng, p.saddle));
        } else {
            const double riderScale = kSaddleScale[size] * (1.0 + rng.normal(0, 0.015));
            saddleY = std::max(bb.y + draw(rng, p.saddle) * riderScale, seatTop.y + 45.0);
        }
        const Point2 saddle{seatTop.x, saddleY};

        // Small measurement noise on the joints so no keypoint is an exact function of others.
        auto jitter = [&](Point2 q) { return Point2{q.x + rng.normal(0, 1.5), q.y + rng.normal(0, 1.5)}; };
        const Point2 points[12] = {rearWheel,        bb,
                                   frontWheel,       headTop,
                                   jitter(stayJoint), jitter(topTubeSeat),
                                   jitter(topTubeHead), jitter(downTubeHead),
                                   jitter(stemTop),  jitter(forkPoint),
                                   saddle,           seatTop};
        for (const Point2& q : points) {
            t.outputs.push_back(q.x);
            t.outputs.push_back(q.y);
        }
        t.outputs.push_back(dRear);
        t.outputs.push_back(dFront);

        // Conditions. A short seat tube leaves no room for a seat-tube bottle.
        const bool seatBottle = seatTube - exposed > 380.0 && rng.bernoulli(p.seatBottle);
        const bool downBottle = rng.bernoulli(p.downBottle);
        const Rims rims = drawRims(rng, p.aeroWheels);
        const double teeth = std::clamp(std::round(draw(rng, p.teeth)), kTeethMin, kTeethMax);
        t.categorical.push_back(static_cast<int>(styleIndex));
        t.categorical.push_back(seatBottle ? 1 : 0);
        t.categorical.push_back(downBottle ? 1 : 0);
        t.categorical.push_back(static_cast<int>(size));
        t.categorical.push_back(rims.front);
        t.categorical.push_back(rims.rear);
        t.categorical.push_back(static_cast<int>(fork));
        t.numerical.push_back(teeth);
    }
    return result;
}

}  // namespace ms
