#include "core/geometry/CircleFit.h"

#include <algorithm>
#include <cmath>

namespace ms {

FittedCircle fitCircle(const std::vector<Point2>& points) {
    FittedCircle result;
    const std::size_t n = points.size();
    if (n < 3) return result;
    double mx = 0.0, my = 0.0;
    for (const Point2& p : points) {
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) return result;
        mx += p.x;
        my += p.y;
    }
    mx /= static_cast<double>(n);
    my /= static_cast<double>(n);

    // Centring first keeps the normal equations well conditioned for millimetre coordinates.
    double suu = 0, suv = 0, svv = 0, suuu = 0, svvv = 0, suvv = 0, svuu = 0, scale = 0;
    for (const Point2& p : points) {
        const double u = p.x - mx, v = p.y - my;
        suu += u * u;
        suv += u * v;
        svv += v * v;
        suuu += u * u * u;
        svvv += v * v * v;
        suvv += u * v * v;
        svuu += v * u * u;
        scale = std::max(scale, std::abs(u) + std::abs(v));
    }
    const double det = suu * svv - suv * suv;
    if (scale <= 0.0 || std::abs(det) <= 1e-12 * (suu + svv) * (suu + svv)) return result;
    const double bu = 0.5 * (suuu + suvv), bv = 0.5 * (svvv + svuu);
    const double uc = (bu * svv - bv * suv) / det;
    const double vc = (suu * bv - suv * bu) / det;
    const double r2 = uc * uc + vc * vc + (suu + svv) / static_cast<double>(n);
    // A nearly straight arc gives a centre far away: treat it as no circle rather than a huge one.
    if (!(r2 > 0.0) || std::sqrt(r2) > 1e3 * scale) return result;
    result.center = Point2{uc + mx, vc + my};
    result.radius = std::sqrt(r2);
    result.ok = true;
    return result;
}

}  // namespace ms
