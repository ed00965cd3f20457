#pragma once
// How raw units map to what the model sees: outputs and numerical conditions are min-max
// scaled to [0, 1]. Fitted on the whole data set, as in the paper's protocol; stored in the
// model bundle so generated designs come back in the user's units.
#include "core/data/DesignTable.h"
#include "core/data/MinMaxScaler.h"

namespace ms {

struct Normalization {
    MinMaxScaler outputs;
    MinMaxScaler numerical;

    static Normalization fit(const DesignTable& table);
    bool operator==(const Normalization& o) const { return outputs == o.outputs && numerical == o.numerical; }
};

}  // namespace ms
