#include "ui/training/SchemaEditor.h"

#include <QComboBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QVBoxLayout>

#include "core/data/ColumnLabel.h"
#include "core/data/DataError.h"

namespace ms {

namespace {
const ColumnRole kRoles[] = {ColumnRole::KeypointX, ColumnRole::KeypointY, ColumnRole::Output,
                             ColumnRole::Categorical, ColumnRole::Numerical, ColumnRole::Ignore};

QString keypointGuess(const std::string& column) {
    QString name = QString::fromStdString(column);
    for (const char* affix : {"x_", "y_", "X_", "Y_"})
        if (name.startsWith(QLatin1String(affix))) return name.mid(2);
    for (const char* affix : {"_x", "_y", "_X", "_Y"})
        if (name.endsWith(QLatin1String(affix))) return name.chopped(2);
    return name;
}
}  // namespace

SchemaEditor::SchemaEditor(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_view = new QTableWidget(0, 5, this);
    m_view->setHorizontalHeaderLabels({tr("Column"), tr("Role"), tr("Keypoint"), tr("Label"), tr("Data")});
    m_view->horizontalHeaderItem(3)->setToolTip(tr("What the studio calls a condition (double-click to edit; empty: its tidied name)"));
    connect(m_view, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (item->column() != 3 || item->row() >= static_cast<int>(m_table.header.size())) return;
        const std::string column = m_table.header[static_cast<std::size_t>(item->row())];
        QMetaObject::invokeMethod(this, [this, column, text = item->text()] { setColumnLabel(column, text); }, Qt::QueuedConnection);
    });
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->verticalHeader()->setVisible(false);
    m_view->setSelectionMode(QAbstractItemView::NoSelection);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_view);
    layout->addWidget(m_status);
    clear();
}

void SchemaEditor::clear() {
    m_hasTable = false;
    m_valid = false;
    m_schema = Schema{};
    m_view->setRowCount(0);
    m_status->setText(tr("Choose a CSV file: one row per design, keypoints as x_NAME/y_NAME (or NAME_x/NAME_y) "
                         "columns, conditions as further columns; empty condition cells mean unknown."));
}

void SchemaEditor::setTable(const CsvTable& table, const std::map<std::string, ColumnOverride>& overrides) {
    m_table = table;
    m_hasTable = true;
    m_overrides.clear();
    m_labels.clear();
    for (const auto& [column, value] : overrides)
        for (const std::string& h : table.header)
            if (h == column) m_overrides[column] = value;
    refresh();
}

void SchemaEditor::overrideColumn(const std::string& column, ColumnOverride value) {
    m_overrides[column] = std::move(value);
    refresh();
}

void SchemaEditor::setColumnLabel(const std::string& column, const QString& label) {
    const std::string text = label.trimmed().toStdString();
    if (text.empty() || text == tidyColumnLabel(column))
        m_labels.erase(column);
    else
        m_labels[column] = text;
    applyLabels();
    fillTable();
    Q_EMIT schemaChanged();
}

void SchemaEditor::applyLabels() {
    const auto labelOf = [this](const std::string& column) {
        const auto it = m_labels.find(column);
        return it == m_labels.end() ? std::string() : it->second;
    };
    for (CategoricalSpec& c : m_schema.categorical) c.label = labelOf(c.column);
    for (NumericalSpec& n : m_schema.numerical) n.label = labelOf(n.column);
}

int SchemaEditor::columnCount() const { return m_view->rowCount(); }

QString SchemaEditor::problem() const {
    if (m_valid) return QString();
    if (m_incomplete)
        return tr("%1 The mcVAE needs every keypoint of every row; \"Learn from incomplete designs\" trains on the rows as they are.")
            .arg(incompleteMessage());
    return m_status->text();
}

QString SchemaEditor::incompleteMessage() const {
    const QLocale locale;
    QString text = m_gaps.rowsWithGaps > 0
                       ? tr("%1 of %2 rows have missing keypoints: learn from incomplete designs.")
                             .arg(locale.toString(static_cast<qlonglong>(m_gaps.rowsWithGaps)), locale.toString(static_cast<qlonglong>(m_gaps.rows)))
                       : tr("%1 rows with keypoints.").arg(locale.toString(static_cast<qlonglong>(m_gaps.rows)));
    if (!m_gaps.skippedLines.empty()) {
        QStringList lines;
        for (std::size_t i = 0; i < m_gaps.skippedLines.size() && i < 5; ++i) lines << QString::number(m_gaps.skippedLines[i]);
        if (m_gaps.skippedLines.size() > 5) lines << QStringLiteral("…");
        text += ' ' + tr("%n row(s) without any keypoint value will be skipped (%1 line %2).", nullptr,
                         static_cast<int>(m_gaps.skippedLines.size()))
                          .arg(QFileInfo(QString::fromStdString(m_table.path)).fileName(), lines.join(QStringLiteral(", ")));
    }
    if (m_gaps.rows == 0) text = tr("No row of %1 has a keypoint value.").arg(QFileInfo(QString::fromStdString(m_table.path)).fileName());
    return text;
}

void SchemaEditor::refresh() {
    m_valid = false;
    m_incomplete = false;
    m_gaps = {};
    QString message;
    try {
        m_schema = inferSchema(m_table, m_overrides);
        applyLabels();
        if (m_schema.keypoints.empty() && m_schema.outputs.empty())
            throw DataError(m_table.path, 0, "", "no keypoint columns found: mark x/y columns as keypoints");
        m_gaps = api::summariseCsvGaps(m_table, m_schema);  // throws DataError for a cell that is not a number
        if (m_gaps.rowsWithGaps > 0 || !m_gaps.skippedLines.empty()) {
            m_incomplete = !m_schema.keypoints.empty() && m_gaps.rows > 0;
            message = incompleteMessage();
        } else {  // the same builder found every cell: the mcVAE can train on it as it is
            m_valid = true;
            message = tr("%1 rows · %2 keypoints · %3 outputs · %4 categorical · %5 numerical conditions")
                          .arg(m_gaps.rows)
                          .arg(m_schema.keypoints.size())
                          .arg(m_schema.outputs.size())
                          .arg(m_schema.categorical.size())
                          .arg(m_schema.numerical.size());
        }
    } catch (const std::exception& e) {
        message = tr("Cannot train on this yet: %1").arg(QString::fromStdString(e.what()));
    }
    m_status->setText(message);
    m_status->setStyleSheet(m_valid ? QString() : m_incomplete ? QStringLiteral("color: #9a6a00;") : QStringLiteral("color: #c0392b;"));
    fillTable();
    Q_EMIT schemaChanged();
}

QString SchemaEditor::roleOf(const std::string& column, QString& keypoint, QString& details) const {
    for (const KeypointSpec& k : m_schema.keypoints) {
        if (k.xColumn == column || k.yColumn == column) {
            keypoint = QString::fromStdString(k.name);
            details = tr("keypoint %1").arg(keypoint);
            return QString::fromLatin1(columnRoleName(k.xColumn == column ? ColumnRole::KeypointX : ColumnRole::KeypointY));
        }
    }
    for (const OutputSpec& o : m_schema.outputs)
        if (o.column == column) {
            details = tr("extra output");
            return QString::fromLatin1(columnRoleName(ColumnRole::Output));
        }
    for (const CategoricalSpec& c : m_schema.categorical)
        if (c.column == column) {
            QStringList classes;
            for (const std::string& cls : c.classes) classes << QString::fromStdString(cls);
            details = tr("%n classes: %1", nullptr, static_cast<int>(classes.size())).arg(classes.join(QStringLiteral(", ")));
            return QString::fromLatin1(columnRoleName(ColumnRole::Categorical));
        }
    for (const NumericalSpec& n : m_schema.numerical)
        if (n.column == column) {
            details = n.wholeNumbers ? tr("%1 … %2, whole numbers").arg(n.min).arg(n.max) : tr("%1 … %2").arg(n.min).arg(n.max);
            return QString::fromLatin1(columnRoleName(ColumnRole::Numerical));
        }
    details = tr("not used");
    return QString::fromLatin1(columnRoleName(ColumnRole::Ignore));
}

void SchemaEditor::fillTable() {
    const QSignalBlocker block(m_view);
    m_view->setRowCount(static_cast<int>(m_table.header.size()));
    for (int r = 0; r < static_cast<int>(m_table.header.size()); ++r) {
        const std::string column = m_table.header[static_cast<std::size_t>(r)];
        QString keypoint, details;
        const QString role = roleOf(column, keypoint, details);
        auto* name = new QTableWidgetItem(QString::fromStdString(column));
        name->setFlags(Qt::ItemIsEnabled);
        m_view->setItem(r, 0, name);
        auto* combo = new QComboBox(m_view);
        for (ColumnRole cr : kRoles) combo->addItem(QString::fromLatin1(columnRoleName(cr)));
        combo->setCurrentText(role);
        combo->setToolTip(tr("What this column is: keypoint coordinates and outputs are generated, "
                             "conditions are what you set, ignored columns are skipped"));
        m_view->setCellWidget(r, 1, combo);
        auto* kp = new QLineEdit(keypoint, m_view);
        kp->setEnabled(!keypoint.isEmpty());
        m_view->setCellWidget(r, 2, kp);
        // Conditions get an editable label (shown tidied when the user gave none).
        const bool condition = role == QLatin1String(columnRoleName(ColumnRole::Categorical)) ||
                               role == QLatin1String(columnRoleName(ColumnRole::Numerical));
        const auto given = m_labels.find(column);
        auto* label = new QTableWidgetItem(condition ? QString::fromStdString(given != m_labels.end() ? given->second : tidyColumnLabel(column))
                                                     : QString());
        label->setFlags(condition ? Qt::ItemIsEnabled | Qt::ItemIsEditable : Qt::ItemIsEnabled);
        if (condition && given == m_labels.end()) label->setForeground(palette().color(QPalette::PlaceholderText));
        m_view->setItem(r, 3, label);
        auto* info = new QTableWidgetItem(details);
        info->setFlags(Qt::ItemIsEnabled);
        m_view->setItem(r, 4, info);
        connect(combo, &QComboBox::activated, this, [this, column, combo] {
            ColumnRole role;
            if (!parseColumnRole(combo->currentText().toStdString(), role)) return;
            ColumnOverride o{role, {}};
            if (role == ColumnRole::KeypointX || role == ColumnRole::KeypointY) o.keypoint = keypointGuess(column).toStdString();
            QMetaObject::invokeMethod(this, [this, column, o] { overrideColumn(column, o); }, Qt::QueuedConnection);
        });
        connect(kp, &QLineEdit::editingFinished, this, [this, column, kp, combo] {
            ColumnRole role;
            if (!parseColumnRole(combo->currentText().toStdString(), role) || kp->text().trimmed().isEmpty()) return;
            const ColumnOverride o{role, kp->text().trimmed().toStdString()};
            QMetaObject::invokeMethod(this, [this, column, o] { overrideColumn(column, o); }, Qt::QueuedConnection);
        });
    }
    m_view->resizeColumnsToContents();
}

}  // namespace ms
