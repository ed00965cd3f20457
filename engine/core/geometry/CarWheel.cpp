#include "core/geometry/CarWheel.h"

#include <algorithm>
#include <cmath>

#include "core/geometry/CircleFit.h"

namespace ms {

CarWheel carWheelFromArch(const std::vector<Point2>& archPoints) {
    CarWheel wheel;
    const FittedCircle fit = fitCircle(archPoints);
    if (fit.ok) {
        wheel.center = fit.center;
        wheel.archRadius = fit.radius;
    } else {
        // Degenerate arch (e.g. an untrained model): fall back to the points' extent.
        Bounds b;
        for (const Point2& p : archPoints) b.include(p);
        if (!b.valid()) return wheel;
        wheel.center = Point2{0.5 * (b.minX + b.maxX), 0.5 * (b.minY + b.maxY)};
        wheel.archRadius = 0.5 * std::max(b.width(), b.height());
    }
    const double fromGround = wheel.center.y;
    wheel.radius = std::clamp(fromGround, 0.5 * wheel.archRadius, 0.97 * wheel.archRadius);
    return wheel;
}

}  // namespace ms
