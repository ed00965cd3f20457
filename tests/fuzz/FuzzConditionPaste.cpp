// libFuzzer target: pasted or typed NAME=VALUE conditions (Edit > Paste conditions, the CLI's
// arguments) against a bike-like schema. Allowed outcomes: values, or a std::exception with a
// message; parsed values written back as text parse to the same values.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>

#include "FuzzFailure.h"
#include <vector>

#include "core/conditioning/ConditionValues.h"

namespace {
ms::Schema bikeLike() {
    ms::Schema s;
    s.keypoints.push_back({"saddle_top", "x_saddle_top", "y_saddle_top"});
    s.categorical.push_back({"BikeStyle", {"ROAD", "GRAVEL", "TOURING", "DIRT_JUMP"}});
    s.categorical.push_back({"bottle SEATTUBE0 show OHCLASS: True", {"0", "1"}});
    s.numerical.push_back({"Teeth on chainring", 22.0, 60.0, "", true});
    s.numerical.push_back({"Stack", -120.5, 900.25});
    return s;
}

bool same(const ms::ConditionValues& a, const ms::ConditionValues& b) {
    if (a.categorical != b.categorical || a.numerical.size() != b.numerical.size()) return false;
    for (std::size_t i = 0; i < a.numerical.size(); ++i)
        if (!(a.numerical[i] == b.numerical[i] || (std::isnan(a.numerical[i]) && std::isnan(b.numerical[i])))) return false;
    return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const ms::Schema schema = bikeLike();
    std::vector<std::string> lines;
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    ms::ConditionValues values;
    try {
        values = ms::parseConditionAssignments(schema, lines);
    } catch (const std::exception& e) {
        if (std::string(e.what()).empty()) failure("an empty error message", "");
        return 0;
    }
    (void)values.toDisplayText(schema);
    std::vector<std::string> again;
    std::istringstream text(values.toText(schema));
    for (std::string line; std::getline(text, line);) again.push_back(line);
    if (!same(ms::parseConditionAssignments(schema, again), values)) failure("conditions that change through their text", "");
    return 0;
}
