#include "core/data/Schema.h"

namespace ms {

namespace {

bool sameKeypoint(const KeypointSpec& a, const KeypointSpec& b) {
    return a.name == b.name && a.xColumn == b.xColumn && a.yColumn == b.yColumn;
}
bool sameOutput(const OutputSpec& a, const OutputSpec& b) {
    return a.column == b.column;
}
bool sameCategorical(const CategoricalSpec& a, const CategoricalSpec& b) {
    return a.column == b.column && a.classes == b.classes;
}
// Exact comparison on purpose: a schema saved and loaded must give back the same ranges bit for bit.
bool sameNumerical(const NumericalSpec& a, const NumericalSpec& b) {
    return a.column == b.column && a.min == b.min && a.max == b.max;
}

template <typename T, typename Same>
bool sameList(const std::vector<T>& a, const std::vector<T>& b, Same same) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same(a[i], b[i])) return false;
    }
    return true;
}

}  // namespace

bool Schema::operator==(const Schema& o) const {
    return sameList(keypoints, o.keypoints, sameKeypoint) && sameList(outputs, o.outputs, sameOutput) &&
           sameList(categorical, o.categorical, sameCategorical) &&
           sameList(numerical, o.numerical, sameNumerical) && ignored == o.ignored;
}

}  // namespace ms
