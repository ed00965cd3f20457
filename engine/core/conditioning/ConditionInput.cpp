#include "core/conditioning/ConditionInput.h"

#include <ATen/ATen.h>

namespace ms {

ConditionInput ConditionInput::to(const at::Device& device) const {
    return {categorical.to(device), numerical.to(device), numericalKnown.to(device)};
}

ConditionInput ConditionInput::slice(int64_t begin, int64_t end) const {
    return {categorical.slice(0, begin, end), numerical.slice(0, begin, end),
            numericalKnown.slice(0, begin, end)};
}

ConditionInput ConditionInput::select(const at::Tensor& rowIndex) const {
    return {categorical.index_select(0, rowIndex), numerical.index_select(0, rowIndex),
            numericalKnown.index_select(0, rowIndex)};
}

ConditionInput ConditionInput::masked(const at::Tensor& keep) const {
    const int64_t c = categorical.size(1);
    const at::Tensor keepCat = keep.slice(1, 0, c);
    const at::Tensor keepNum = keep.slice(1, c, keep.size(1));
    return {at::where(keepCat, categorical, at::full({}, -1, categorical.options())), numerical,
            numericalKnown * keepNum.to(numericalKnown.scalar_type())};
}

}  // namespace ms
