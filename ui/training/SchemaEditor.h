#pragma once
// Review and edit the schema inferred from a CSV: one table row per column with its role
// (keypoint x/y, output, categorical, numerical, ignore), the keypoint name, and what the data
// holds (classes, range). Every change re-infers with the user's overrides and re-checks every
// row, so a bad cell is reported (file, line, column) before any training starts.
#include <QWidget>

#include <map>
#include <string>

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
    bool isValid() const { return m_valid; }
    const Schema& schema() const { return m_schema; }
    QString problem() const;
    int columnCount() const;
    // Sets one column's role as the user would in the table (tests, automation).
    void overrideColumn(const std::string& column, ColumnOverride value);

Q_SIGNALS:
    void schemaChanged();

private:
    void refresh();
    void fillTable();
    QString roleOf(const std::string& column, QString& keypoint, QString& details) const;

    CsvTable m_table;
    bool m_hasTable = false;
    std::map<std::string, ColumnOverride> m_overrides;
    Schema m_schema;
    bool m_valid = false;
    QTableWidget* m_view;
    QLabel* m_status;
};

}  // namespace ms
