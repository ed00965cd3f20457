#pragma once
// The split of the tabular benchmarks: a random train/test split drawn from `generator`, every
// column standardised with the training part's mean and sd.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include "core/data/NumericTable.h"

namespace ms::experiments {

struct StandardisedSplit {
    at::Tensor train, test;  // [N, D] float
};

StandardisedSplit standardisedSplit(const NumericTable& data, double testFraction, at::Generator& generator);

}  // namespace ms::experiments
