#include "ui/panels/ConditionPanel.h"

#include "core/data/ColumnLabel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalBlocker>
#include <QSlider>
#include <QToolButton>
#include <QUndoCommand>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ms {

namespace {
constexpr int kSliderSteps = 1000;

bool sameValues(const ConditionValues& a, const ConditionValues& b) {
    if (a.categorical != b.categorical || a.numerical.size() != b.numerical.size()) return false;
    for (std::size_t j = 0; j < a.numerical.size(); ++j) {
        const bool an = std::isnan(a.numerical[j]), bn = std::isnan(b.numerical[j]);
        if (an != bn || (!an && a.numerical[j] != b.numerical[j])) return false;
    }
    return true;
}

int decimalsFor(double range) {
    if (!(range > 0)) return 3;
    return std::clamp(3 - static_cast<int>(std::floor(std::log10(range))), 0, 6);
}
}  // namespace

// One edit of the condition set; consecutive edits with the same merge key (a slider being
// dragged, a spin box being stepped) collapse into one undo step.
class ConditionEditCommand : public QUndoCommand {
public:
    ConditionEditCommand(ConditionPanel* panel, ConditionValues before, ConditionValues after, const QString& text,
                         int mergeKey)
        : QUndoCommand(text), m_panel(panel), m_before(std::move(before)), m_after(std::move(after)), m_key(mergeKey) {}
    void undo() override { m_panel->applyValues(m_before); }
    void redo() override { m_panel->applyValues(m_after); }
    int id() const override { return m_key; }
    bool mergeWith(const QUndoCommand* other) override {
        if (other->id() != id() || m_key < 0) return false;
        m_after = static_cast<const ConditionEditCommand*>(other)->m_after;
        return true;
    }

private:
    ConditionPanel* m_panel;
    ConditionValues m_before, m_after;
    int m_key;
};

ConditionPanel::ConditionPanel(QWidget* parent) : QWidget(parent) {
    m_histories[QString()].stack = std::make_unique<QUndoStack>();
    m_undo = m_histories[QString()].stack.get();
    auto* layout = new QVBoxLayout(this);
    auto* buttons = new QHBoxLayout;
    auto* unknown = new QPushButton(tr("All unknown"), this);
    unknown->setToolTip(tr("Switch every condition off: the model fills in what is typical"));
    auto* random = new QPushButton(tr("Random"), this);
    random->setToolTip(tr("Set every condition to a random valid value"));
    auto* reset = new QPushButton(tr("Reset"), this);
    reset->setToolTip(tr("Back to the conditions this model started with"));
    buttons->addWidget(unknown);
    buttons->addWidget(random);
    buttons->addWidget(reset);
    layout->addLayout(buttons);
    auto* next = new QHBoxLayout;
    m_specifyNext = new QPushButton(tr("Specify next"), this);
    m_specifyNext->setToolTip(tr("Set the unknown condition that would shrink the design's spread most to its most likely value"));
    m_specifyNext->setEnabled(false);
    m_target = new QComboBox(this);
    m_target->setToolTip(tr("Whose spread \"Specify next\" reduces: the whole design or one keypoint"));
    next->addWidget(m_specifyNext);
    next->addWidget(m_target, 1);
    layout->addLayout(next);
    connect(m_specifyNext, &QPushButton::clicked, this, &ConditionPanel::specifyNext);
    connect(m_target, qOverload<int>(&QComboBox::activated), this, [this] { Q_EMIT spreadTargetChanged(); });
    m_rowsHost = new QWidget(this);
    m_grid = new QGridLayout(m_rowsHost);
    m_grid->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_rowsHost);
    layout->addStretch(1);
    connect(unknown, &QPushButton::clicked, this, &ConditionPanel::setAllUnknown);
    connect(random, &QPushButton::clicked, this, [this] { randomize(QRandomGenerator::global()->generate64()); });
    connect(reset, &QPushButton::clicked, this, &ConditionPanel::reset);
}

void ConditionPanel::setSchema(const Schema& schema, const ConditionValues& initial, const QString& key) {
    m_schema = schema;
    const bool fits = initial.categorical.size() == schema.categorical.size() &&
                      initial.numerical.size() == schema.numerical.size();
    m_initial = fits ? initial : ConditionValues::allUnknown(schema);
    m_lastClass.assign(schema.categorical.size(), 0);
    m_lastNumber.resize(schema.numerical.size());
    for (std::size_t j = 0; j < schema.numerical.size(); ++j)
        m_lastNumber[j] = schema.numerical[j].wholeNumbers ? std::round(0.5 * (schema.numerical[j].min + schema.numerical[j].max))
                                                           : 0.5 * (schema.numerical[j].min + schema.numerical[j].max);
    buildRows();
    QUndoStack* const before = m_undo;
    History& history = m_histories[key];
    if (!history.stack) history.stack = std::make_unique<QUndoStack>();
    if (key.isEmpty() || history.schema != schema) history.stack->clear();  // its edits belong to another schema
    history.schema = schema;
    m_undo = history.stack.get();
    m_suggestions.clear();
    {
        const QSignalBlocker block(m_target);
        m_target->clear();
        m_target->addItem(tr("Whole design"), -1);
        for (std::size_t k = 0; k < schema.keypoints.size(); ++k)
            m_target->addItem(QString::fromStdString(schema.keypoints[k].name), static_cast<int>(k));
    }
    applyValues(m_initial);
    if (m_undo != before) Q_EMIT undoStackChanged(m_undo);
}

std::vector<int> ConditionPanel::spreadTarget() const {
    const int k = m_target->currentData().toInt();
    if (k < 0) return {};
    return {2 * k, 2 * k + 1};
}

void ConditionPanel::setSuggestions(const std::vector<sfarm::ConditionSuggestion>& ranked, double spread) {
    m_suggestions = ranked;
    m_spread = spread;
    showSuggestions();
}

void ConditionPanel::clearSuggestions(const QString& why) {
    m_suggestions.clear();
    showSuggestions();
    m_specifyNext->setToolTip(why);
}

void ConditionPanel::showSuggestions() {
    // Only what changed is touched: a pin drag brings a new ranking every frame, and hiding and
    // showing every button (or setting an unchanged text or font) re-lays out the whole panel.
    std::vector<bool> shown(m_rows.size(), false);
    bool any = false;
    for (std::size_t r = 0; r < m_suggestions.size(); ++r) {
        const sfarm::ConditionSuggestion& s = m_suggestions[r];
        if (s.condition < 0 || s.condition >= static_cast<int>(m_rows.size())) continue;
        const auto c = static_cast<std::size_t>(s.condition);
        if (isKnown(c)) continue;  // a ranking made before the latest edit
        any = true;
        const QString value = c < m_schema.categorical.size()
                                  ? QString::fromStdString(m_schema.categorical[c].classes.at(static_cast<std::size_t>(s.suggestedClass)))
                                  : numberText(c - m_schema.categorical.size(), s.suggestedNumber);
        QToolButton* b = m_rows[c].suggest;
        const long percent = std::lround(100.0 * s.spreadReduction);
        // Below half a per cent the estimate is not a measurement of "no effect": say "< 1 %".
        const QString text = percent > 0 ? tr("−%1 %").arg(percent) : tr("< 1 %");
        if (b->text() != text) b->setText(text);
        if (b->font().bold() != (r == 0)) {
            QFont f = b->font();
            f.setBold(r == 0);
            b->setFont(f);
        }
        b->setToolTip(tr("#%1: knowing %2 is expected to remove %3 % of the spread (now %4).\nClick to set it to its most "
                         "likely value here: %5")
                          .arg(r + 1)
                          .arg(label(c))
                          .arg(100.0 * s.spreadReduction >= 0.1 ? QString::number(100.0 * s.spreadReduction, 'f', 1) : tr("less than 0.1"))
                          .arg(m_spread, 0, 'g', 3)
                          .arg(value));
        shown[c] = true;
    }
    for (std::size_t c = 0; c < m_rows.size(); ++c)
        if (m_rows[c].suggest->isHidden() == shown[c]) m_rows[c].suggest->setVisible(shown[c]);
    m_specifyNext->setEnabled(any);
    m_specifyNext->setToolTip(any ? tr("Set %1, the unknown condition that would shrink the spread most")
                                        .arg(label(static_cast<std::size_t>(m_suggestions.front().condition)))
                                  : tr("Every condition is known"));
}

bool ConditionPanel::isKnown(std::size_t condition) const {
    const std::size_t categorical = m_schema.categorical.size();
    return condition < categorical ? m_values.categorical[condition] >= 0 : !std::isnan(m_values.numerical[condition - categorical]);
}

bool ConditionPanel::specifyNext() {
    for (const sfarm::ConditionSuggestion& s : m_suggestions) {
        const auto c = static_cast<std::size_t>(s.condition);
        if (isKnown(c)) continue;
        applySuggestion(s);
        return true;
    }
    return false;
}

void ConditionPanel::applySuggestion(const sfarm::ConditionSuggestion& s) {
    ConditionValues next = m_values;
    const auto c = static_cast<std::size_t>(s.condition);
    if (c < m_schema.categorical.size()) next.categorical[c] = s.suggestedClass;
    else next.numerical[c - m_schema.categorical.size()] = s.suggestedNumber;
    userEdit(next, tr("Specify %1").arg(label(c)), -1);
}

QToolButton* ConditionPanel::makeSuggestionButton(int condition) {
    auto* b = new QToolButton(m_rowsHost);
    b->setAutoRaise(true);
    b->hide();
    connect(b, &QToolButton::clicked, this, [this, condition] {
        for (const sfarm::ConditionSuggestion& s : m_suggestions)
            if (s.condition == condition) return applySuggestion(s);
    });
    return b;
}

void ConditionPanel::buildRows() {
    for (Row& row : m_rows) {
        delete row.enabled;
        delete row.combo;
        delete row.slider;
        delete row.spin;
        delete row.suggest;
    }
    m_rows.clear();
    int line = 0;
    for (std::size_t c = 0; c < m_schema.categorical.size(); ++c, ++line) {
        const CategoricalSpec& spec = m_schema.categorical[c];
        Row row;
        row.enabled = new QCheckBox(label(c), m_rowsHost);
        row.enabled->setToolTip(tr("On: the model is told %1 (column \"%2\"). Off: unknown, the model decides.")
                                    .arg(label(c), QString::fromStdString(spec.column)));
        row.combo = new QComboBox(m_rowsHost);
        for (const std::string& cls : spec.classes) row.combo->addItem(QString::fromStdString(cls));
        // Name on its own line, editor under it: long column names stay readable.
        row.suggest = makeSuggestionButton(static_cast<int>(c));
        // Column 0 is a gutter for the "specify next" badge, so it stays visible in a narrow dock.
        m_grid->addWidget(row.suggest, 2 * line, 0);
        m_grid->addWidget(row.enabled, 2 * line, 1, 1, 2);
        m_grid->addWidget(row.combo, 2 * line + 1, 1, 1, 2);
        connect(row.enabled, &QCheckBox::toggled, this, [this, c](bool on) {
            ConditionValues next = m_values;
            next.categorical[c] = on ? m_lastClass[c] : -1;
            userEdit(next, on ? tr("Set %1").arg(label(c)) : tr("Unset %1").arg(label(c)), -1);
        });
        connect(row.combo, qOverload<int>(&QComboBox::activated), this, [this, c](int index) {
            ConditionValues next = m_values;
            next.categorical[c] = index;
            userEdit(next, tr("Change %1").arg(label(c)), -1);
        });
        m_rows.push_back(row);
    }
    for (std::size_t j = 0; j < m_schema.numerical.size(); ++j, ++line) {
        const NumericalSpec& spec = m_schema.numerical[j];
        Row row;
        const std::size_t condition = m_schema.categorical.size() + j;
        row.enabled = new QCheckBox(label(condition), m_rowsHost);
        row.enabled->setToolTip(tr("On: the model is told %1 (column \"%2\", %3 … %4%5). Off: unknown.")
                                    .arg(label(condition), QString::fromStdString(spec.column), numberText(j, spec.min), numberText(j, spec.max),
                                         spec.wholeNumbers ? tr(", whole numbers") : QString()));
        row.slider = new QSlider(Qt::Horizontal, m_rowsHost);
        row.slider->setRange(0, kSliderSteps);
        row.spin = new QDoubleSpinBox(m_rowsHost);
        row.spin->setDecimals(spec.wholeNumbers ? 0 : decimalsFor(spec.max - spec.min));
        row.spin->setRange(spec.min, spec.max);
        row.spin->setSingleStep(spec.wholeNumbers ? std::max(1.0, std::round((spec.max - spec.min) / 100.0)) : (spec.max - spec.min) / 100.0);
        row.spin->setKeyboardTracking(false);
        row.suggest = makeSuggestionButton(static_cast<int>(m_schema.categorical.size() + j));
        m_grid->addWidget(row.suggest, 2 * line, 0);
        m_grid->addWidget(row.enabled, 2 * line, 1, 1, 2);
        m_grid->addWidget(row.slider, 2 * line + 1, 1);
        m_grid->addWidget(row.spin, 2 * line + 1, 2);
        const int mergeKey = 1000 + static_cast<int>(j);
        connect(row.enabled, &QCheckBox::toggled, this, [this, j](bool on) {
            ConditionValues next = m_values;
            next.numerical[j] = on ? m_lastNumber[j] : std::nan("");
            const QString name = label(m_schema.categorical.size() + j);
            userEdit(next, on ? tr("Set %1").arg(name) : tr("Unset %1").arg(name), -1);
        });
        connect(row.slider, &QSlider::valueChanged, this, [this, j, mergeKey](int position) {
            ConditionValues next = m_values;
            next.numerical[j] = sliderValue(j, position);
            userEdit(next, tr("Change %1").arg(label(m_schema.categorical.size() + j)), mergeKey);
        });
        connect(row.spin, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [this, j, mergeKey](double value) {
            ConditionValues next = m_values;
            next.numerical[j] = value;
            userEdit(next, tr("Change %1").arg(label(m_schema.categorical.size() + j)), mergeKey);
        });
        m_rows.push_back(row);
    }
    m_grid->setColumnStretch(1, 1);
    m_grid->setColumnMinimumWidth(0, fontMetrics().horizontalAdvance(QStringLiteral("−100 %")) + 8);
}

void ConditionPanel::userEdit(const ConditionValues& next, const QString& description, int mergeKey) {
    if (sameValues(next, m_values)) return;
    m_undo->push(new ConditionEditCommand(this, m_values, next, description, mergeKey));
}

void ConditionPanel::setValues(const ConditionValues& values, const QString& description) {
    if (values.categorical.size() != m_schema.categorical.size() || values.numerical.size() != m_schema.numerical.size())
        return;
    userEdit(values, description, -1);
}

void ConditionPanel::setAllUnknown() { setValues(ConditionValues::allUnknown(m_schema), tr("All unknown")); }

void ConditionPanel::reset() { setValues(m_initial, tr("Reset conditions")); }

void ConditionPanel::randomize(quint64 seed) {
    QRandomGenerator rng(static_cast<quint32>(seed ^ (seed >> 32)));
    ConditionValues next = ConditionValues::allUnknown(m_schema);
    for (std::size_t c = 0; c < m_schema.categorical.size(); ++c)
        next.categorical[c] = static_cast<int>(rng.bounded(static_cast<quint32>(m_schema.categorical[c].classes.size())));
    for (std::size_t j = 0; j < m_schema.numerical.size(); ++j) {
        const NumericalSpec& s = m_schema.numerical[j];
        next.numerical[j] = s.min + rng.generateDouble() * (s.max - s.min);
    }
    setValues(next, tr("Random conditions"));
}

void ConditionPanel::applyValues(const ConditionValues& values) {
    m_values = values;
    for (std::size_t c = 0; c < m_schema.categorical.size(); ++c) {
        Row& row = m_rows[c];
        const int cls = values.categorical[c];
        if (cls >= 0) m_lastClass[c] = cls;
        const QSignalBlocker b1(row.enabled), b2(row.combo);
        row.enabled->setChecked(cls >= 0);
        row.combo->setEnabled(cls >= 0);
        row.combo->setCurrentIndex(m_lastClass[c]);
    }
    for (std::size_t j = 0; j < m_schema.numerical.size(); ++j) {
        Row& row = m_rows[m_schema.categorical.size() + j];
        const double v = values.numerical[j];
        const bool known = !std::isnan(v);
        if (known) m_lastNumber[j] = v;
        const QSignalBlocker b1(row.enabled), b2(row.slider), b3(row.spin);
        row.enabled->setChecked(known);
        row.slider->setEnabled(known);
        row.spin->setEnabled(known);
        row.slider->setValue(sliderPosition(j, lastKnownNumber(j)));
        row.spin->setValue(lastKnownNumber(j));
    }
    showSuggestions();  // hide the ones that became known at once
    Q_EMIT valuesChanged(m_values);
}

double ConditionPanel::lastKnownNumber(std::size_t j) const { return m_lastNumber[j]; }

int ConditionPanel::sliderPosition(std::size_t j, double value) const {
    const NumericalSpec& s = m_schema.numerical[j];
    if (!(s.max > s.min)) return 0;
    return static_cast<int>(std::lround(std::clamp((value - s.min) / (s.max - s.min), 0.0, 1.0) * kSliderSteps));
}

double ConditionPanel::sliderValue(std::size_t j, int position) const {
    const NumericalSpec& s = m_schema.numerical[j];
    const double v = s.min + (s.max - s.min) * static_cast<double>(position) / kSliderSteps;
    return s.wholeNumbers ? std::clamp(std::round(v), std::ceil(s.min), std::floor(s.max)) : v;
}

QString ConditionPanel::label(std::size_t condition) const {
    return QString::fromStdString(conditionLabel(m_schema, condition));
}

QString ConditionPanel::numberText(std::size_t j, double value) const {
    return m_schema.numerical[j].wholeNumbers ? QString::number(std::round(value), 'f', 0) : QString::number(value, 'g', 4);
}

QCheckBox* ConditionPanel::switchAt(int index) const { return m_rows.at(static_cast<std::size_t>(index)).enabled; }
QComboBox* ConditionPanel::comboAt(int index) const { return m_rows.at(static_cast<std::size_t>(index)).combo; }
QSlider* ConditionPanel::sliderAt(int index) const { return m_rows.at(static_cast<std::size_t>(index)).slider; }
QDoubleSpinBox* ConditionPanel::spinAt(int index) const { return m_rows.at(static_cast<std::size_t>(index)).spin; }
QToolButton* ConditionPanel::suggestionAt(int index) const { return m_rows.at(static_cast<std::size_t>(index)).suggest; }

}  // namespace ms
