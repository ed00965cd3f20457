#include "core/conditioning/ConditionValues.h"

#include "core/data/ColumnLabel.h"

#include <cmath>
#include <iomanip>
#include <limits>
#include <locale>
#include <sstream>
#include <stdexcept>

namespace ms {

ConditionValues ConditionValues::allUnknown(const Schema& schema) {
    return {std::vector<int>(schema.categorical.size(), -1),
            std::vector<double>(schema.numerical.size(), std::numeric_limits<double>::quiet_NaN())};
}

void ConditionValues::forEachKnown(const Schema& schema, const std::function<void(const std::string&, const std::string&)>& fn,
                                   int significantDigits) const {
    for (size_t i = 0; i < schema.categorical.size(); ++i)
        if (categorical[i] >= 0) fn(schema.categorical[i].column, schema.categorical[i].classes[categorical[i]]);
    for (size_t i = 0; i < schema.numerical.size(); ++i)
        if (!std::isnan(numerical[i])) {
            std::ostringstream number;
            number.imbue(std::locale::classic());
            number.precision(significantDigits);
            number << numerical[i];
            fn(schema.numerical[i].column, number.str());
        }
}

std::string ConditionValues::toDisplayText(const Schema& schema, int significantDigits) const {
    std::string out;
    for (std::size_t i = 0; i < schema.categorical.size(); ++i)
        if (categorical[i] >= 0) out += conditionLabel(schema, i) + ": " + schema.categorical[i].classes[static_cast<std::size_t>(categorical[i])] + '\n';
    for (std::size_t i = 0; i < schema.numerical.size(); ++i) {
        if (std::isnan(numerical[i])) continue;
        std::ostringstream number;
        number.imbue(std::locale::classic());
        if (schema.numerical[i].wholeNumbers) {
            number << std::fixed << std::setprecision(0) << std::round(numerical[i]);
        } else {
            number.precision(significantDigits);
            number << numerical[i];
        }
        out += conditionLabel(schema, schema.categorical.size() + i) + ": " + number.str() + '\n';
    }
    return out;
}

std::string ConditionValues::toText(const Schema& schema) const {
    std::string out;
    forEachKnown(schema, [&](const std::string& column, const std::string& text) { out += column + '=' + text + '\n'; });
    return out;
}

std::map<std::string, std::string> ConditionValues::textByColumn(const Schema& schema) const {
    std::map<std::string, std::string> out;
    forEachKnown(schema, [&](const std::string& column, const std::string& text) { out[column] = text; });
    return out;
}

ConditionValues parseConditionAssignments(const Schema& schema, const std::vector<std::string>& assignments) {
    ConditionValues v = ConditionValues::allUnknown(schema);
    for (const std::string& a : assignments) {
        const auto eq = a.rfind('=');
        if (eq == std::string::npos)
            throw std::invalid_argument("condition '" + a + "' must be written NAME=VALUE (use NAME=? for unknown)");
        const std::string name = a.substr(0, eq), value = a.substr(eq + 1);
        const bool unknown = value.empty() || value == "?";
        bool found = false;
        for (size_t i = 0; i < schema.categorical.size() && !found; ++i) {
            const auto& spec = schema.categorical[i];
            if (spec.column != name) continue;
            found = true;
            if (unknown) { v.categorical[i] = -1; continue; }
            int index = -1;
            for (size_t k = 0; k < spec.classes.size(); ++k)
                if (spec.classes[k] == value) index = static_cast<int>(k);
            if (index < 0) {
                std::string valid;
                for (const auto& c : spec.classes) valid += (valid.empty() ? "" : ", ") + c;
                throw std::invalid_argument("condition '" + name + "': unknown class '" + value + "' (valid: " + valid + ")");
            }
            v.categorical[i] = index;
        }
        for (size_t i = 0; i < schema.numerical.size() && !found; ++i) {
            const auto& spec = schema.numerical[i];
            if (spec.column != name) continue;
            found = true;
            if (unknown) { v.numerical[i] = std::numeric_limits<double>::quiet_NaN(); continue; }
            double x = 0;
            size_t used = 0;
            try {
                x = std::stod(value, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != value.size() || !std::isfinite(x))
                throw std::invalid_argument("condition '" + name + "': '" + value + "' is not a finite number");
            if (x < spec.min || x > spec.max) {
                std::ostringstream msg;
                msg << "condition '" << name << "': " << value << " is outside the range the model was trained on ["
                    << spec.min << ", " << spec.max << "]";
                throw std::invalid_argument(msg.str());
            }
            v.numerical[i] = x;
        }
        if (!found) {
            std::string all;
            for (const auto& c : schema.categorical) all += (all.empty() ? "" : ", ") + c.column;
            for (const auto& c : schema.numerical) all += (all.empty() ? "" : ", ") + c.column;
            throw std::invalid_argument("unknown condition '" + name + "' (conditions: " + all + ")");
        }
    }
    return v;
}

}  // namespace ms
