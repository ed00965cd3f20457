#include "core/geometry/KeypointSpread.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace ms {

void KeypointSpread::ellipse(double sigmas, double& a, double& b, double& angle) const {
    // Eigen-decomposition of [[varX, covXY], [covXY, varY]].
    const double mid = 0.5 * (varX + varY), half = 0.5 * (varX - varY);
    const double root = std::sqrt(half * half + covXY * covXY);
    a = sigmas * std::sqrt(std::max(0.0, mid + root));
    b = sigmas * std::sqrt(std::max(0.0, mid - root));
    angle = 0.5 * std::atan2(2.0 * covXY, varX - varY);
}

std::vector<KeypointSpread> keypointSpread(const Schema& schema, const std::vector<std::vector<double>>& designs) {
    if (designs.empty()) throw std::invalid_argument("keypoint spread: no designs");
    for (const auto& d : designs)
        if (d.size() != schema.outputDim())
            throw std::invalid_argument("keypoint spread: a design has " + std::to_string(d.size()) + " values, the schema " +
                                        std::to_string(schema.outputDim()));
    const double n = static_cast<double>(designs.size());
    std::vector<KeypointSpread> out(schema.keypoints.size());
    for (std::size_t k = 0; k < out.size(); ++k) {
        KeypointSpread& s = out[k];
        // Offsets from the first design, so a keypoint pinned in every design keeps its exact value.
        const double x0 = designs.front()[2 * k], y0 = designs.front()[2 * k + 1];
        double dx = 0.0, dy = 0.0;
        for (const auto& d : designs) {
            dx += (d[2 * k] - x0) / n;
            dy += (d[2 * k + 1] - y0) / n;
        }
        s.mean = {x0 + dx, y0 + dy};
        if (designs.size() < 2) continue;
        for (const auto& d : designs) {
            const double dx = d[2 * k] - s.mean.x, dy = d[2 * k + 1] - s.mean.y;
            s.varX += dx * dx / (n - 1);
            s.varY += dy * dy / (n - 1);
            s.covXY += dx * dy / (n - 1);
        }
    }
    return out;
}

}  // namespace ms
