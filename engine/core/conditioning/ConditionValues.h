#pragma once
// A user's condition set in schema order: each condition known (with a value) or unknown.
// This is what the GUI's condition panel and the CLI's NAME=VALUE arguments produce.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/data/Schema.h"

namespace ms {

struct ConditionValues {
    std::vector<int> categorical;   // class index, or -1 unknown
    std::vector<double> numerical;  // raw units, or NaN unknown

    static ConditionValues allUnknown(const Schema& schema);
    std::string toText(const Schema& schema) const;  // "NAME=VALUE" lines, known ones only (exact numbers)
    // The same for people to read: "LABEL: VALUE" lines under the conditions' labels
    // (ColumnLabel: "Bike style: ROAD"), numbers to `significantDigits` (35.42, 0.3415, not
    // 35.41596772846318), whole-number columns without decimals. Not for storing or pasting:
    // toText round-trips, this does not.
    std::string toDisplayText(const Schema& schema, int significantDigits = 4) const;
    // The known ones as text by column name (class label, or the number), e.g. for the drawing's
    // details (rim styles, bottles).
    std::map<std::string, std::string> textByColumn(const Schema& schema) const;
    // Calls fn(column, text) for every known condition, categorical first, in schema order;
    // numbers to `significantDigits` (17: exact).
    void forEachKnown(const Schema& schema, const std::function<void(const std::string&, const std::string&)>& fn,
                      int significantDigits = 17) const;
};

// Parses "NAME=VALUE" assignments (condition names as in the schema; NAME=? or NAME= means
// unknown). Throws std::invalid_argument naming the condition for an unknown name, an unknown
// class (listing the valid ones), a non-number, or a number outside the schema's range.
ConditionValues parseConditionAssignments(const Schema& schema, const std::vector<std::string>& assignments);

}  // namespace ms
