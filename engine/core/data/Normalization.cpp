#include "core/data/Normalization.h"

namespace ms {

Normalization Normalization::fit(const DesignTable& table) {
    return {MinMaxScaler::fit(table.outputs, table.rows, table.outputDim),
            MinMaxScaler::fit(table.numerical, table.rows, table.numericalCount)};
}

}  // namespace ms
