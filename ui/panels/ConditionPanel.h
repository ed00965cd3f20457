#pragma once
// The condition panel, built from a model's schema: every condition has an on/off switch (off =
// unknown, the masked state the model was trained for); categorical conditions a class combo box,
// numerical ones a slider + spin box over the schema's range. Every user edit is one undoable
// step (slider drags merge into one); valuesChanged fires for every change of the values.
#include <QUndoStack>
#include <QWidget>

#include <vector>

#include "data/Schema.h"
#include "engine/EngineTypes.h"
#include "inference/ConditionValues.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QSlider;

namespace ms {

class ConditionPanel : public QWidget {
    Q_OBJECT
public:
    explicit ConditionPanel(QWidget* parent = nullptr);

    // Rebuilds the rows; the values become `initial` (all unknown when empty) and the undo
    // history is cleared. `initial` is also what reset() returns to.
    void setSchema(const Schema& schema, const ConditionValues& initial = {});
    const Schema& schema() const { return m_schema; }
    const ConditionValues& values() const { return m_values; }
    QUndoStack* undoStack() { return &m_undo; }

    // Each is one undoable edit.
    void setValues(const ConditionValues& values, const QString& description);
    void setAllUnknown();
    void randomize(quint64 seed);
    void reset();

    // Test and automation hooks: the widgets of condition `index` in schema order
    // (categorical first, then numerical).
    QCheckBox* switchAt(int index) const;
    QComboBox* comboAt(int index) const;
    QSlider* sliderAt(int index) const;
    QDoubleSpinBox* spinAt(int index) const;

Q_SIGNALS:
    void valuesChanged(const ms::ConditionValues& values);

private:
    struct Row {
        QCheckBox* enabled = nullptr;
        QComboBox* combo = nullptr;
        QSlider* slider = nullptr;
        QDoubleSpinBox* spin = nullptr;
    };
    friend class ConditionEditCommand;

    void buildRows();
    void applyValues(const ConditionValues& values);  // widgets + signal, no undo entry
    void userEdit(const ConditionValues& next, const QString& description, int mergeKey);
    double lastKnownNumber(std::size_t j) const;
    int sliderPosition(std::size_t j, double value) const;
    double sliderValue(std::size_t j, int position) const;

    Schema m_schema;
    ConditionValues m_values;
    ConditionValues m_initial;
    std::vector<int> m_lastClass;        // remembered while a categorical condition is off
    std::vector<double> m_lastNumber;    // remembered while a numerical condition is off
    std::vector<Row> m_rows;
    QGridLayout* m_grid = nullptr;
    QWidget* m_rowsHost = nullptr;
    QUndoStack m_undo;
};

}  // namespace ms
