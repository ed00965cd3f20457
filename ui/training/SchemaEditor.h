#pragma once
// Review and edit the schema inferred from a CSV: one table row per column with its role
// (keypoint x/y, output, categorical, numerical, ignore), the keypoint name, and what the data
// holds (classes, range). Every change re-infers with the user's overrides and re-checks every
// row, so a bad cell is reported (file, line, column) before any training starts. A table whose
// keypoint or output cells are partly empty is not an error: the mcVAE cannot train on it, but a
// model learned from incomplete designs can (canLearnFromGaps, gaps).
#include <QWidget>

#include <map>
#include <string>

#include "api/PartialTable.h"
#include "core/data/CsvReader.h"
#include "core/data/Schema.h"
#include "core/data/SchemaInference.h"

class QLabel;
class QTableWidget;

namespace ms {

class SchemaEditor : public QWidget {
    Q_OBJECT
public:
    explicit SchemaEditor(QWidget* parent = nullptr);

    // Starts from the preset's overrides (e.g. wheel diameters are outputs).
    void setTable(const CsvTable& table, const std::map<std::string, ColumnOverride>& overrides);
    void clear();
    bool isValid() const { return m_valid; }  // the mcVAE can train on it (every keypoint of every row)
    // Every cell is readable, but some keypoint or output cells are empty: learn from incomplete designs.
    bool canLearnFromGaps() const { return m_incomplete; }
    const api::CsvGapSummary& gaps() const { return m_gaps; }
    const Schema& schema() const { return m_schema; }
    QString problem() const;
    int columnCount() const;
    // Sets one column's role as the user would in the table (tests, automation).
    void overrideColumn(const std::string& column, ColumnOverride value);
    // What the studio calls a condition column (the Label cell; empty: the tidy form of its
    // name). Kept in the schema, so in the model; no effect on columns that are no conditions.
    void setColumnLabel(const std::string& column, const QString& label);

Q_SIGNALS:
    void schemaChanged();

private:
    void refresh();
    QString incompleteMessage() const;
    void fillTable();
    void applyLabels();  // m_labels into m_schema's conditions
    QString roleOf(const std::string& column, QString& keypoint, QString& details) const;

    CsvTable m_table;
    bool m_hasTable = false;
    std::map<std::string, ColumnOverride> m_overrides;
    std::map<std::string, std::string> m_labels;  // condition column -> the user's label
    Schema m_schema;
    bool m_valid = false;
    bool m_incomplete = false;
    api::CsvGapSummary m_gaps;
    QTableWidget* m_view;
    QLabel* m_status;
};

}  // namespace ms
