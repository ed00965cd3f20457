#include "ui/canvas/LabelPlacement.h"

#include <algorithm>
#include <array>
#include <limits>

namespace ms {

namespace {
double overlapArea(const QRectF& a, const QRectF& b) {
    const QRectF i = a.intersected(b);
    return i.isValid() ? i.width() * i.height() : 0.0;
}
}  // namespace

std::vector<PlacedLabel> placeLabels(const std::vector<QPointF>& points, const std::vector<QSizeF>& sizes) {
    constexpr double kGap = 4.0;                                     // between a point and its label
    constexpr std::array<double, 4> kRings = {0.0, 12.0, 26.0, 44.0};  // further out when crowded
    constexpr double kPointRadius = 3.0;
    std::vector<PlacedLabel> placed;
    placed.reserve(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
        const QPointF p = points[i];
        const QSizeF s = i < sizes.size() ? sizes[i] : QSizeF();
        const double w = s.width(), h = s.height();
        // Top-left corners: right, above, left, below, then the four diagonals.
        const auto candidate = [&](int k, double ring) -> QRectF {
            const double d = kGap + ring;
            const std::array<QPointF, 8> corners = {
                QPointF(p.x() + d, p.y() - h / 2),     QPointF(p.x() - w / 2, p.y() - d - h), QPointF(p.x() - d - w, p.y() - h / 2),
                QPointF(p.x() - w / 2, p.y() + d),     QPointF(p.x() + d, p.y() - d - h),     QPointF(p.x() - d - w, p.y() - d - h),
                QPointF(p.x() - d - w, p.y() + d),     QPointF(p.x() + d, p.y() + d)};
            return QRectF(corners[static_cast<std::size_t>(k)], s);
        };
        const auto cost = [&](const QRectF& box) {
            double c = 0.0;
            for (const PlacedLabel& other : placed) c += overlapArea(box, other.box);
            for (std::size_t j = 0; j < points.size(); ++j)
                if (j != i)
                    c += overlapArea(box, QRectF(points[j] - QPointF(kPointRadius, kPointRadius), QSizeF(2 * kPointRadius, 2 * kPointRadius)));
            return c;
        };
        PlacedLabel best{candidate(0, 0.0), false};
        double bestCost = std::numeric_limits<double>::infinity();
        for (std::size_t r = 0; r < kRings.size() && bestCost > 0.0; ++r)
            for (int k = 0; k < 8 && bestCost > 0.0; ++k) {
                const QRectF box = candidate(k, kRings[r]);
                const double c = cost(box);
                if (c < bestCost) {
                    bestCost = c;
                    best = {box, r > 0};
                }
            }
        placed.push_back(best);
    }
    return placed;
}

}  // namespace ms
