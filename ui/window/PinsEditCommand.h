#pragma once
// One edit of the pinned keypoints (pin, move, release, release all) as a step of the design's
// undo history, beside the condition edits; the moves of one handle drag collapse into one step.
#include <QUndoCommand>

#include <functional>
#include <vector>

namespace ms {

class PinsEditCommand : public QUndoCommand {
public:
    using Apply = std::function<void(const std::vector<double>&)>;  // sets the pins (KeypointPins::values)
    // drag >= 0: the serial of the handle drag this move belongs to (merges with its other moves);
    // -1: never merges.
    PinsEditCommand(Apply apply, std::vector<double> before, std::vector<double> after, const QString& text, int drag);
    void undo() override;
    void redo() override;
    int id() const override;
    bool mergeWith(const QUndoCommand* other) override;

private:
    Apply m_apply;
    std::vector<double> m_before, m_after;
    int m_drag;
};

}  // namespace ms
