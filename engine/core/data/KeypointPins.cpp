#include "core/data/KeypointPins.h"

#include <limits>
#include <stdexcept>

#include "core/data/NumberText.h"

namespace ms {

std::size_t keypointIndexByName(const Schema& schema, const std::string& name) {
    for (std::size_t k = 0; k < schema.keypoints.size(); ++k)
        if (schema.keypoints[k].name == name) return k;
    std::string known;
    for (const auto& k : schema.keypoints) known += (known.empty() ? "" : ", ") + k.name;
    throw std::invalid_argument("no keypoint '" + name + "' (keypoints: " + known + ")");
}

std::vector<double> parseKeypointPins(const Schema& schema, const std::vector<std::string>& pins) {
    std::vector<double> outputs(schema.outputDim(), std::numeric_limits<double>::quiet_NaN());
    for (const std::string& pin : pins) {
        const auto eq = pin.find('='), comma = pin.find(',', eq == std::string::npos ? 0 : eq);
        if (eq == std::string::npos || comma == std::string::npos)
            throw std::invalid_argument("--pin '" + pin + "': expected KEYPOINT=X,Y");
        const std::size_t k = keypointIndexByName(schema, pin.substr(0, eq));
        const ParsedNumber x = parseNumber(pin.substr(eq + 1, comma - eq - 1)), y = parseNumber(pin.substr(comma + 1));
        if (x.kind != NumberKind::Finite || y.kind != NumberKind::Finite)
            throw std::invalid_argument("--pin '" + pin + "': X and Y must be numbers");
        outputs[2 * k] = x.value;
        outputs[2 * k + 1] = y.value;
    }
    return outputs;
}

}  // namespace ms
