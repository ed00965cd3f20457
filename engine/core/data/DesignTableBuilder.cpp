#include "core/data/DesignTableBuilder.h"

#include <algorithm>

#include <cmath>
#include <map>
#include <stdexcept>
#include <unordered_map>

#include "core/data/DataError.h"
#include "core/data/NumberText.h"
#include "core/data/UnknownCell.h"

namespace ms {

namespace {

constexpr std::size_t kListedClasses = 10;

// Looks up classes by their exact text, and by value when they are all numbers.
class ClassMatcher {
public:
    explicit ClassMatcher(const CategoricalSpec& spec) : m_spec(spec) {
        bool allNumeric = !spec.classes.empty();
        for (std::size_t i = 0; i < spec.classes.size(); ++i) {
            m_byText.emplace(spec.classes[i], static_cast<int>(i));
            const ParsedNumber n = parseNumber(spec.classes[i]);
            if (n.kind != NumberKind::Finite)
                allNumeric = false;
            else
                m_byValue.emplace(n.value, static_cast<int>(i));
        }
        if (!allNumeric) m_byValue.clear();
    }

    int find(const std::string& cell) const {
        auto text = m_byText.find(cell);
        if (text != m_byText.end()) return text->second;
        if (m_byValue.empty()) return DesignTable::kUnknownClass;
        const ParsedNumber n = parseNumber(cell);
        if (n.kind != NumberKind::Finite) return DesignTable::kUnknownClass;
        auto value = m_byValue.find(n.value);
        return value == m_byValue.end() ? DesignTable::kUnknownClass : value->second;
    }

    std::string knownClasses() const {
        std::string list;
        for (std::size_t i = 0; i < m_spec.classes.size() && i < kListedClasses; ++i)
            list += (i ? ", '" : "'") + m_spec.classes[i] + "'";
        if (m_spec.classes.size() > kListedClasses)
            list += ", ... (" + std::to_string(m_spec.classes.size() - kListedClasses) + " more)";
        return list;
    }

private:
    const CategoricalSpec& m_spec;
    std::unordered_map<std::string, int> m_byText;
    std::map<double, int> m_byValue;
};

class Builder {
public:
    explicit Builder(const CsvTable& table) : m_table(table) {}

    std::size_t columnOf(const std::string& name) const {
        const int index = m_table.columnIndex(name);
        if (index < 0)
            throw DataError(m_table.path, 1, name,
                            "the schema needs this column, but the CSV header has no column of that name");
        return static_cast<std::size_t>(index);
    }

    long lineOf(std::size_t row) const {
        return row < m_table.lineNumbers.size() ? m_table.lineNumbers[row] : 0;
    }

    const std::string& cell(std::size_t row, std::size_t column) const {
        const std::vector<std::string>& fields = m_table.rows[row];
        if (column >= fields.size())
            throw DataError(m_table.path, lineOf(row), m_table.header[column],
                            "expected " + std::to_string(m_table.header.size()) +
                                " fields (as in the header), found " + std::to_string(fields.size()));
        return fields[column];
    }

    // A number that must be present (keypoints, outputs) or may be empty (numerical conditions).
    double number(std::size_t row, std::size_t column, const char* emptyError) const {
        const std::string& text = cell(row, column);
        if (isUnknownCell(text)) {
            if (!emptyError) return DesignTable::unknownNumber();
            throw DataError(m_table.path, lineOf(row), m_table.header[column],
                            text.empty() ? std::string(emptyError) : "'" + text + "' marks the value as missing; " + emptyError);
        }
        const ParsedNumber n = parseNumber(text);
        switch (n.kind) {
            case NumberKind::Finite:
                return n.value;
            case NumberKind::NonFinite:
                throw DataError(m_table.path, lineOf(row), m_table.header[column],
                                "'" + text +
                                    "' is not a finite number (leave the cell empty if the value is unknown" +
                                    (emptyError ? " and the column is a condition)" : ")"));
            case NumberKind::OutOfRange:
                throw DataError(m_table.path, lineOf(row), m_table.header[column],
                                "'" + text + "' is out of the range of a double");
            case NumberKind::NotANumber:
                break;
        }
        throw DataError(m_table.path, lineOf(row), m_table.header[column], "'" + text + "' is not a number");
    }

    int category(std::size_t row, std::size_t column, const ClassMatcher& matcher, std::vector<UnseenClass>* unseen) const {
        const std::string& text = cell(row, column);
        if (isUnknownCell(text)) return DesignTable::kUnknownClass;
        const int index = matcher.find(text);
        if (index == DesignTable::kUnknownClass && unseen) {
            const std::string& name = m_table.header[column];
            auto it = std::find_if(unseen->begin(), unseen->end(),
                                   [&](const UnseenClass& u) { return u.column == name && u.value == text; });
            if (it == unseen->end()) it = unseen->insert(unseen->end(), UnseenClass{name, text, lineOf(row), 0});
            ++it->cells;
            return DesignTable::kUnknownClass;
        }
        if (index == DesignTable::kUnknownClass)
            throw DataError(m_table.path, lineOf(row), m_table.header[column],
                            "unknown class '" + text + "' (known classes: " + matcher.knownClasses() + ")");
        return index;
    }

private:
    const CsvTable& m_table;
};

}  // namespace

DesignTable emptyDesignTable(const Schema& schema, std::size_t rows) {
    DesignTable t;
    t.outputDim = schema.outputDim();
    t.categoricalCount = schema.categorical.size();
    t.numericalCount = schema.numerical.size();
    t.outputs.reserve(rows * t.outputDim);
    t.categorical.reserve(rows * t.categoricalCount);
    t.numerical.reserve(rows * t.numericalCount);
    t.lineNumbers.reserve(rows);
    return t;
}

namespace {

// The one builder behind both entry points: withGaps lets keypoint and output cells be empty
// (NaN in the table) and skips rows without a single keypoint value, recording their lines.
DesignTable buildTable(const CsvTable& table, const Schema& schema, bool withGaps, std::vector<long>* skippedLines,
                       std::vector<UnseenClass>* unseen) {
    const Builder builder(table);
    std::vector<std::size_t> outputColumns;
    for (const KeypointSpec& k : schema.keypoints) {
        outputColumns.push_back(builder.columnOf(k.xColumn));
        outputColumns.push_back(builder.columnOf(k.yColumn));
    }
    const std::size_t keypointColumns = outputColumns.size();
    for (const OutputSpec& o : schema.outputs) outputColumns.push_back(builder.columnOf(o.column));
    std::vector<std::size_t> categoricalColumns;
    std::vector<ClassMatcher> matchers;
    for (const CategoricalSpec& c : schema.categorical) {
        categoricalColumns.push_back(builder.columnOf(c.column));
        matchers.emplace_back(c);
    }
    std::vector<std::size_t> numericalColumns;
    for (const NumericalSpec& n : schema.numerical) numericalColumns.push_back(builder.columnOf(n.column));

    DesignTable t = emptyDesignTable(schema, table.rows.size());
    std::vector<double> outputs(outputColumns.size());
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        std::size_t keypointValues = 0;
        for (std::size_t d = 0; d < outputColumns.size(); ++d) {
            const char* emptyError = withGaps ? nullptr
                                     : d < keypointColumns ? "empty keypoint value: this model needs every keypoint of every row (`maskstudio-cli partial train` learns from incomplete designs)"
                                                           : "empty output value: this model needs every output of every row";
            outputs[d] = builder.number(r, outputColumns[d], emptyError);
            if (d < keypointColumns && !std::isnan(outputs[d])) ++keypointValues;
        }
        if (withGaps && keypointColumns > 0 && keypointValues == 0) {
            if (skippedLines) skippedLines->push_back(builder.lineOf(r));
            continue;
        }
        t.outputs.insert(t.outputs.end(), outputs.begin(), outputs.end());
        for (std::size_t c = 0; c < categoricalColumns.size(); ++c)
            t.categorical.push_back(builder.category(r, categoricalColumns[c], matchers[c], unseen));
        for (std::size_t c = 0; c < numericalColumns.size(); ++c)
            t.numerical.push_back(builder.number(r, numericalColumns[c], nullptr));
        t.lineNumbers.push_back(builder.lineOf(r));
        ++t.rows;
    }
    return t;
}

}  // namespace

DesignTable buildDesignTable(const CsvTable& table, const Schema& schema) {
    return buildTable(table, schema, false, nullptr, nullptr);
}

DesignTable buildDesignTableWithGaps(const CsvTable& table, const Schema& schema, std::vector<long>* skippedLines,
                                     std::vector<UnseenClass>* unseenClasses) {
    return buildTable(table, schema, true, skippedLines, unseenClasses);
}

std::string describeUnseenClasses(const std::vector<UnseenClass>& unseen) {
    std::string text;
    for (const UnseenClass& u : unseen) {
        if (!text.empty()) text += ", ";
        text += u.column + " '" + u.value + "' (" + std::to_string(u.cells) + (u.cells == 1 ? " row, line " : " rows from line ") +
                std::to_string(u.firstLine) + ")";
    }
    return text;
}

void writeDesignCsv(const std::string& path, const Schema& schema, const DesignTable& t) {
    if (t.outputDim != schema.outputDim() || t.categoricalCount != schema.categorical.size() ||
        t.numericalCount != schema.numerical.size() || t.outputs.size() != t.rows * t.outputDim ||
        t.categorical.size() != t.rows * t.categoricalCount ||
        t.numerical.size() != t.rows * t.numericalCount)
        throw std::invalid_argument("writeDesignCsv: the design table does not match the schema");

    std::vector<std::string> header;
    for (const KeypointSpec& k : schema.keypoints) {
        header.push_back(k.xColumn);
        header.push_back(k.yColumn);
    }
    for (const OutputSpec& o : schema.outputs) header.push_back(o.column);
    for (const CategoricalSpec& c : schema.categorical) header.push_back(c.column);
    for (const NumericalSpec& n : schema.numerical) header.push_back(n.column);

    std::vector<std::vector<std::string>> rows(t.rows);
    for (std::size_t r = 0; r < t.rows; ++r) {
        std::vector<std::string>& row = rows[r];
        row.reserve(header.size());
        for (std::size_t d = 0; d < t.outputDim; ++d) {
            const double v = t.output(r, d);
            if (std::isnan(v))
                row.emplace_back();  // unobserved (buildDesignTableWithGaps reads it back as NaN)
            else if (!std::isfinite(v))
                throw DataError(path, 0, header[d], "cannot write an infinite output (row " + std::to_string(r + 1) + ")");
            else
                row.push_back(formatNumber(v));
        }
        for (std::size_t c = 0; c < t.categoricalCount; ++c) {
            const int index = t.category(r, c);
            const std::vector<std::string>& classes = schema.categorical[c].classes;
            if (index == DesignTable::kUnknownClass)
                row.emplace_back();
            else if (index >= 0 && static_cast<std::size_t>(index) < classes.size())
                row.push_back(classes[static_cast<std::size_t>(index)]);
            else
                throw std::invalid_argument("writeDesignCsv: class index " + std::to_string(index) +
                                            " out of range in column '" + schema.categorical[c].column + "'");
        }
        for (std::size_t c = 0; c < t.numericalCount; ++c) {
            const double v = t.number(r, c);
            if (std::isnan(v))
                row.emplace_back();  // unknown
            else if (!std::isfinite(v))
                throw DataError(path, 0, schema.numerical[c].column,
                                "cannot write an infinite value (row " + std::to_string(r + 1) + ")");
            else
                row.push_back(formatNumber(v));
        }
    }
    writeCsvFile(path, header, rows);
}

}  // namespace ms
