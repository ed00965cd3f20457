#pragma once
// Where to put the keypoint labels so that they do not pile up: each label, in order, takes the
// first spot around its point (right, above, left, below, then the diagonals, on rings further
// out) whose box overlaps no label placed before it and no other point; where every spot is
// taken, the one with the least overlap. A label pushed off the first ring is drawn with a
// leader line to its point (`displaced`).
#include <QPointF>
#include <QRectF>
#include <QSizeF>

#include <vector>

namespace ms {

struct PlacedLabel {
    QRectF box;
    bool displaced = false;
};

std::vector<PlacedLabel> placeLabels(const std::vector<QPointF>& points, const std::vector<QSizeF>& sizes);

}  // namespace ms
