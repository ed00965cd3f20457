#pragma once
// The condition panel, built from a model's schema: every condition has an on/off switch (off =
// unknown, the masked state the model was trained for); categorical conditions a class combo box,
// numerical ones a slider + spin box over the schema's range. Every user edit is one undoable
// step (slider drags merge into one); valuesChanged fires for every change of the values.
// "Specify next": beside every unknown condition, the expected share of the design's spread that
// knowing it would remove (from the design SFARM); clicking it, or "Specify next" for the best
// one, sets the condition to its most likely value given the partial design (one undo step).
#include <QUndoStack>
#include <QWidget>

#include <map>
#include <memory>
#include <vector>

#include "core/conditioning/ConditionValues.h"
#include "core/data/Schema.h"
#include "sfarm/DesignSfarm.h"
#include "ui/workers/EngineTypes.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QPushButton;
class QSlider;
class QToolButton;

namespace ms {

class ConditionPanel : public QWidget {
    Q_OBJECT
public:
    explicit ConditionPanel(QWidget* parent = nullptr);

    // Rebuilds the rows; the values become `initial` (all unknown when empty). `initial` is also
    // what reset() returns to. The undo history is the one kept under `key` (a model's path:
    // switching back to a model brings its edits back), new when the key is new, empty or its
    // schema changed; undoStackChanged says when the stack itself is another one.
    void setSchema(const Schema& schema, const ConditionValues& initial = {}, const QString& key = {});
    const Schema& schema() const { return m_schema; }
    const ConditionValues& values() const { return m_values; }
    QUndoStack* undoStack() { return m_undo; }

    // Each is one undoable edit.
    void setValues(const ConditionValues& values, const QString& description);
    void setAllUnknown();
    void randomize(quint64 seed);
    void reset();

    // The ranking for the current values (best first); `spread` is the target's current spread.
    void setSuggestions(const std::vector<sfarm::ConditionSuggestion>& ranked, double spread);
    // No ranking available (no design SFARM): hides the suggestions and says why.
    void clearSuggestions(const QString& why);
    const std::vector<sfarm::ConditionSuggestion>& suggestions() const { return m_suggestions; }
    // Sets the best-ranked unknown condition to its suggested value; false when there is none.
    bool specifyNext();
    // Outputs whose spread the ranking reduces: empty = the whole design, else one keypoint's x, y.
    std::vector<int> spreadTarget() const;

    // Test and automation hooks: the widgets of condition `index` in schema order
    // (categorical first, then numerical).
    QCheckBox* switchAt(int index) const;
    QComboBox* comboAt(int index) const;
    QSlider* sliderAt(int index) const;
    QDoubleSpinBox* spinAt(int index) const;
    QToolButton* suggestionAt(int index) const;
    QPushButton* specifyNextButton() const { return m_specifyNext; }
    QComboBox* spreadTargetBox() const { return m_target; }

Q_SIGNALS:
    void valuesChanged(const ms::ConditionValues& values);
    void spreadTargetChanged();
    void undoStackChanged(QUndoStack* stack);  // the history of the schema now shown

private:
    struct Row {
        QCheckBox* enabled = nullptr;
        QComboBox* combo = nullptr;
        QSlider* slider = nullptr;
        QDoubleSpinBox* spin = nullptr;
        QToolButton* suggest = nullptr;
    };
    friend class ConditionEditCommand;

    void buildRows();
    void applyValues(const ConditionValues& values);  // widgets + signal, no undo entry
    void userEdit(const ConditionValues& next, const QString& description, int mergeKey);
    double lastKnownNumber(std::size_t j) const;
    int sliderPosition(std::size_t j, double value) const;
    double sliderValue(std::size_t j, int position) const;
    void applySuggestion(const sfarm::ConditionSuggestion& s);
    QToolButton* makeSuggestionButton(int condition);
    void showSuggestions();
    bool isKnown(std::size_t condition) const;  // schema order
    QString label(std::size_t condition) const;  // what the panel calls it (ColumnLabel)
    QString numberText(std::size_t numerical, double value) const;  // whole numbers without decimals

    Schema m_schema;
    ConditionValues m_values;
    ConditionValues m_initial;
    std::vector<int> m_lastClass;        // remembered while a categorical condition is off
    std::vector<double> m_lastNumber;    // remembered while a numerical condition is off
    std::vector<Row> m_rows;
    QGridLayout* m_grid = nullptr;
    QWidget* m_rowsHost = nullptr;
    struct History {
        Schema schema;
        std::unique_ptr<QUndoStack> stack;
    };
    std::map<QString, History> m_histories;  // by key; "" is the history of a schema without one
    QUndoStack* m_undo = nullptr;
    std::vector<sfarm::ConditionSuggestion> m_suggestions;
    double m_spread = 0.0;
    QPushButton* m_specifyNext = nullptr;
    QComboBox* m_target = nullptr;
};

}  // namespace ms
