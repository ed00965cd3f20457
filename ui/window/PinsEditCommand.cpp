#include "ui/window/PinsEditCommand.h"

namespace ms {

namespace {
constexpr int kPinDragMergeId = 1 << 20;  // apart from the condition panel's merge keys (1000 + column)
}

PinsEditCommand::PinsEditCommand(Apply apply, std::vector<double> before, std::vector<double> after, const QString& text,
                                 int drag)
    : QUndoCommand(text), m_apply(std::move(apply)), m_before(std::move(before)), m_after(std::move(after)), m_drag(drag) {}

void PinsEditCommand::undo() { m_apply(m_before); }

void PinsEditCommand::redo() { m_apply(m_after); }

int PinsEditCommand::id() const { return m_drag >= 0 ? kPinDragMergeId : -1; }

bool PinsEditCommand::mergeWith(const QUndoCommand* other) {
    const auto* o = static_cast<const PinsEditCommand*>(other);  // same id: a PinsEditCommand
    if (o->m_drag != m_drag) return false;
    m_after = o->m_after;
    return true;
}

}  // namespace ms
