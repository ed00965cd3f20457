#include "core/data/SchemaInference.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <sstream>
#include <unordered_map>

#include "core/data/DataError.h"
#include "core/data/NumberText.h"
#include "core/data/UnknownCell.h"

namespace ms {

namespace {

constexpr std::size_t kMaxIntegerClasses = 12;

std::string toLower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// What the cells of one column look like.
struct ColumnStats {
    std::size_t nonEmpty = 0;
    bool numeric = true;  // every non-empty cell parses as a number (finite or not)
    bool hasNonFinite = false;
    bool integral = true;          // every finite value is a whole number
    std::size_t firstTextRow = 0;  // first non-numeric cell, when !numeric
    std::set<double> values;       // distinct finite values
    std::set<std::string> texts;   // distinct non-empty cells
    double min = 0.0;
    double max = 0.0;
    bool hasFinite = false;
};

ColumnStats collectStats(const CsvTable& table, std::size_t column) {
    ColumnStats s;
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        const std::string& cell = table.rows[r][column];
        if (isUnknownCell(cell)) continue;
        ++s.nonEmpty;
        s.texts.insert(cell);
        if (!s.numeric) continue;
        const ParsedNumber n = parseNumber(cell);
        if (n.kind == NumberKind::NotANumber) {
            s.numeric = false;
            s.firstTextRow = r;
            continue;
        }
        if (n.kind != NumberKind::Finite) {
            s.hasNonFinite = true;
            continue;
        }
        if (std::floor(n.value) != n.value) s.integral = false;
        s.values.insert(n.value);
        s.min = s.hasFinite ? std::min(s.min, n.value) : n.value;
        s.max = s.hasFinite ? std::max(s.max, n.value) : n.value;
        s.hasFinite = true;
    }
    return s;
}

// Numeric classes are written canonically so that "1" and "1.0" make one class.
std::vector<std::string> classesOf(const ColumnStats& s) {
    std::vector<std::string> classes;
    if (s.numeric && !s.hasNonFinite) {
        for (double v : s.values) classes.push_back(formatNumber(v));
    } else {
        classes.assign(s.texts.begin(), s.texts.end());  // std::set order: bytewise
    }
    return classes;
}

bool isPandasUnnamed(const std::string& name) {
    const std::string prefix = "Unnamed: ";
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) return false;
    return std::all_of(name.begin() + static_cast<long>(prefix.size()), name.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

bool isRowId(const std::string& name, const ColumnStats& s, std::size_t rowCount) {
    const std::string lower = toLower(name);
    if (lower != "id" && lower.find("index") == std::string::npos) return false;
    return s.numeric && !s.hasNonFinite && s.integral && s.nonEmpty == rowCount &&
           s.values.size() == rowCount;
}

// Part numbers, serials, names and comments: text where most filled cells are different (a
// condition with a class per row teaches a model nothing and would make its embedding huge).
bool isIdentifierOrFreeText(const ColumnStats& s) {
    return s.texts.size() > kMaxIntegerClasses && 2 * s.texts.size() > s.nonEmpty;
}

// One reading of a column name as half of a keypoint, e.g. "x_BB" -> {prefix, 'x', "BB"}.
struct AxisName {
    bool prefix = false;
    char axis = 0;  // 'x' or 'y'
    std::string stem;
};

std::vector<AxisName> axisReadings(const std::string& name) {
    std::vector<AxisName> readings;
    if (name.size() < 3) return readings;
    const char first = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
    if ((first == 'x' || first == 'y') && name[1] == '_') readings.push_back({true, first, name.substr(2)});
    const char last = static_cast<char>(std::tolower(static_cast<unsigned char>(name.back())));
    if ((last == 'x' || last == 'y') && name[name.size() - 2] == '_')
        readings.push_back({false, last, name.substr(0, name.size() - 2)});
    return readings;
}

std::string readingKey(bool prefix, char axis, const std::string& stem) {
    return std::string(prefix ? "p" : "s") + axis + stem;
}

struct PendingKeypoint {
    std::size_t firstColumn;
    KeypointSpec spec;
};

// Keypoints named by overrides: checks that each has exactly one x and one y column.
std::vector<PendingKeypoint> overrideKeypoints(const CsvTable& table,
                                               const std::map<std::string, ColumnOverride>& overrides) {
    struct Halves {
        int x = -1;
        int y = -1;
    };
    std::map<std::string, Halves> byName;
    std::vector<std::string> order;
    for (std::size_t c = 0; c < table.header.size(); ++c) {
        auto it = overrides.find(table.header[c]);
        if (it == overrides.end()) continue;
        const ColumnOverride& o = it->second;
        if (o.role != ColumnRole::KeypointX && o.role != ColumnRole::KeypointY) continue;
        if (o.keypoint.empty())
            throw DataError(table.path, 0, table.header[c],
                            "override as a keypoint column needs a keypoint name");
        auto [entry, inserted] = byName.emplace(o.keypoint, Halves{});
        if (inserted) order.push_back(o.keypoint);
        int& slot = o.role == ColumnRole::KeypointX ? entry->second.x : entry->second.y;
        if (slot >= 0) {
            throw DataError(table.path, 0, table.header[c],
                            std::string("keypoint '") + o.keypoint + "' already has " +
                                (o.role == ColumnRole::KeypointX ? "an x" : "a y") + " column ('" +
                                table.header[static_cast<std::size_t>(slot)] + "')");
        }
        slot = static_cast<int>(c);
    }
    std::vector<PendingKeypoint> result;
    for (const std::string& name : order) {
        const Halves& h = byName[name];
        if (h.x < 0 || h.y < 0) {
            const bool hasX = h.x >= 0;
            throw DataError(table.path, 0, table.header[static_cast<std::size_t>(hasX ? h.x : h.y)],
                            "keypoint '" + name + "' has " + (hasX ? "an x" : "a y") + " column but no " +
                                (hasX ? "y" : "x") + " column: override one more column as its " +
                                (hasX ? "y" : "x"));
        }
        const auto x = static_cast<std::size_t>(h.x);
        const auto y = static_cast<std::size_t>(h.y);
        result.push_back({std::min(x, y), {name, table.header[x], table.header[y]}});
    }
    return result;
}

// Pairs x/y columns by naming convention among the columns no override claims.
std::vector<PendingKeypoint> conventionKeypoints(const CsvTable& table,
                                                 const std::map<std::string, ColumnOverride>& overrides,
                                                 std::vector<bool>& paired) {
    std::unordered_map<std::string, std::size_t> byKey;  // first column with each reading
    for (std::size_t c = 0; c < table.header.size(); ++c) {
        if (overrides.count(table.header[c])) continue;
        for (const AxisName& r : axisReadings(table.header[c]))
            byKey.emplace(readingKey(r.prefix, r.axis, r.stem), c);
    }
    std::vector<PendingKeypoint> result;
    for (std::size_t c = 0; c < table.header.size(); ++c) {
        if (paired[c] || overrides.count(table.header[c])) continue;
        for (const AxisName& r : axisReadings(table.header[c])) {
            auto partner = byKey.find(readingKey(r.prefix, r.axis == 'x' ? 'y' : 'x', r.stem));
            if (partner == byKey.end() || paired[partner->second] || partner->second == c) continue;
            const std::size_t other = partner->second;
            paired[c] = paired[other] = true;
            const std::size_t x = r.axis == 'x' ? c : other;
            const std::size_t y = r.axis == 'x' ? other : c;
            result.push_back({std::min(c, other), {r.stem, table.header[x], table.header[y]}});
            break;
        }
    }
    return result;
}

long lineOf(const CsvTable& table, std::size_t row) {
    return row < table.lineNumbers.size() ? table.lineNumbers[row] : 0;
}

// Tables built by hand rather than by parseCsv may be ragged; never index past a row.
void checkRectangular(const CsvTable& table) {
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        if (table.rows[r].size() != table.header.size())
            throw DataError(table.path, lineOf(table, r), "",
                            "expected " + std::to_string(table.header.size()) +
                                " fields (as in the header), found " + std::to_string(table.rows[r].size()));
    }
}

void checkOverridesExist(const CsvTable& table, const std::map<std::string, ColumnOverride>& overrides) {
    for (const auto& [column, o] : overrides) {
        if (table.columnIndex(column) < 0)
            throw DataError(table.path, 0, column,
                            "an override names this column, but the CSV has no column of that name");
    }
}

}  // namespace

const char* columnRoleName(ColumnRole role) {
    switch (role) {
        case ColumnRole::KeypointX:
            return "keypoint-x";
        case ColumnRole::KeypointY:
            return "keypoint-y";
        case ColumnRole::Output:
            return "output";
        case ColumnRole::Categorical:
            return "categorical";
        case ColumnRole::Numerical:
            return "numerical";
        case ColumnRole::Ignore:
            return "ignore";
    }
    return "?";
}

bool parseColumnRole(const std::string& text, ColumnRole& role) {
    for (ColumnRole r : {ColumnRole::KeypointX, ColumnRole::KeypointY, ColumnRole::Output,
                         ColumnRole::Categorical, ColumnRole::Numerical, ColumnRole::Ignore}) {
        if (text == columnRoleName(r)) {
            role = r;
            return true;
        }
    }
    return false;
}

Schema inferSchema(const CsvTable& table, const std::map<std::string, ColumnOverride>& overrides) {
    checkRectangular(table);
    checkOverridesExist(table, overrides);
    const std::size_t columnCount = table.header.size();
    std::vector<bool> paired(columnCount, false);

    std::vector<PendingKeypoint> keypoints = overrideKeypoints(table, overrides);
    for (const PendingKeypoint& k : keypoints) {
        paired[static_cast<std::size_t>(table.columnIndex(k.spec.xColumn))] = true;
        paired[static_cast<std::size_t>(table.columnIndex(k.spec.yColumn))] = true;
    }
    std::set<std::string> names;
    for (const PendingKeypoint& k : keypoints) names.insert(k.spec.name);
    for (PendingKeypoint& k : conventionKeypoints(table, overrides, paired)) {
        if (names.count(k.spec.name)) {
            // Two pairs with one stem (x_a/y_a and a_x/a_y): keep both, under distinct names.
            std::string base = k.spec.name;
            for (int n = 2; names.count(k.spec.name); ++n) k.spec.name = base + "_" + std::to_string(n);
        }
        names.insert(k.spec.name);
        keypoints.push_back(std::move(k));
    }
    std::stable_sort(
        keypoints.begin(), keypoints.end(),
        [](const PendingKeypoint& a, const PendingKeypoint& b) { return a.firstColumn < b.firstColumn; });

    Schema schema;
    for (PendingKeypoint& k : keypoints) schema.keypoints.push_back(std::move(k.spec));

    for (std::size_t c = 0; c < columnCount; ++c) {
        if (paired[c]) continue;
        const std::string& name = table.header[c];
        auto it = overrides.find(name);
        if (it != overrides.end()) {
            const ColumnStats s = collectStats(table, c);
            switch (it->second.role) {
                case ColumnRole::KeypointX:
                case ColumnRole::KeypointY:
                    break;  // handled above
                case ColumnRole::Output:
                    schema.outputs.push_back({name});
                    break;
                case ColumnRole::Ignore:
                    schema.ignored.push_back(name);
                    break;
                case ColumnRole::Categorical:
                    if (s.nonEmpty == 0)
                        throw DataError(table.path, 0, name,
                                        "overridden as categorical, but the column has no values");
                    schema.categorical.push_back({name, classesOf(s)});
                    break;
                case ColumnRole::Numerical:
                    if (!s.numeric) {
                        const std::size_t r = s.firstTextRow;
                        throw DataError(
                            table.path, lineOf(table, r), name,
                            "overridden as numerical, but '" + table.rows[r][c] + "' is not a number");
                    }
                    if (!s.hasFinite)
                        throw DataError(table.path, 0, name,
                                        "overridden as numerical, but the column has no numbers");
                    schema.numerical.push_back({name, s.min, s.max, {}, s.integral});
                    break;
            }
            continue;
        }
        const ColumnStats s = collectStats(table, c);
        if (isPandasUnnamed(name) || s.nonEmpty == 0 || isRowId(name, s, table.rows.size())) {
            schema.ignored.push_back(name);
        } else if (!s.numeric && isIdentifierOrFreeText(s)) {
            schema.ignored.push_back(name);
        } else if (!s.numeric) {
            schema.categorical.push_back({name, classesOf(s)});
        } else if (!s.hasFinite) {
            schema.ignored.push_back(name);  // only nan/inf: carries no information
        } else if (!s.hasNonFinite && s.integral && s.values.size() <= kMaxIntegerClasses &&
                   2 * s.values.size() < s.nonEmpty) {
            schema.categorical.push_back({name, classesOf(s)});
        } else {
            schema.numerical.push_back({name, s.min, s.max, {}, s.integral});
        }
    }
    return schema;
}

std::string describeSchema(const Schema& schema) {
    constexpr std::size_t kShownClasses = 8;
    std::ostringstream out;
    out << "Output vector: " << schema.outputDim() << " values (" << schema.keypoints.size()
        << " keypoints x 2 + " << schema.outputs.size() << " extra outputs)\n";
    out << "Keypoints (" << schema.keypoints.size() << "):\n";
    for (const KeypointSpec& k : schema.keypoints)
        out << "  " << k.name << "  [x: " << k.xColumn << ", y: " << k.yColumn << "]\n";
    if (!schema.outputs.empty()) {
        out << "Extra outputs (" << schema.outputs.size() << "):\n";
        for (const OutputSpec& o : schema.outputs) out << "  " << o.column << "\n";
    }
    out << "Categorical conditions (" << schema.categorical.size() << "):\n";
    for (const CategoricalSpec& c : schema.categorical) {
        out << "  " << c.column << "  " << c.classes.size()
            << (c.classes.size() == 1 ? " class: " : " classes: ");
        for (std::size_t i = 0; i < c.classes.size() && i < kShownClasses; ++i)
            out << (i ? ", " : "") << c.classes[i];
        if (c.classes.size() > kShownClasses)
            out << ", ... (" << c.classes.size() - kShownClasses << " more)";
        out << "\n";
    }
    out << "Numerical conditions (" << schema.numerical.size() << "):\n";
    for (const NumericalSpec& n : schema.numerical)
        out << "  " << n.column << "  range " << formatNumber(n.min) << " .. " << formatNumber(n.max) << "\n";
    if (!schema.ignored.empty()) {
        out << "Ignored columns (" << schema.ignored.size() << "): ";
        for (std::size_t i = 0; i < schema.ignored.size(); ++i)
            out << (i ? ", " : "") << "'" << schema.ignored[i] << "'";
        out << "\n";
    }
    return out.str();
}

}  // namespace ms
