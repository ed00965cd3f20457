#include "api/EvalJob.h"

#include <stdexcept>

#include "api/PreparedData.h"
#include "data/DataFingerprint.h"
#include "data/DesignTensors.h"

namespace ms {

SparsityEvaluation evaluateHeldOut(const ModelBundle& b, const std::string& dataPath) {
    const PreparedData data = prepareDataWithSchema(dataPath, b.schema, b.normalization);
    if (static_cast<int64_t>(data.table.rows) != b.split.dataRows || dataFingerprint(data.table) != b.split.dataFingerprint)
        throw std::invalid_argument(dataPath + ": not the data this model was trained on (" +
                                    std::to_string(data.table.rows) + " rows; the model recorded " +
                                    std::to_string(b.split.dataRows) + " rows of '" + b.split.dataFile +
                                    "'), so its held-out split does not apply");
    const DesignTensors test = makeDesignTensors(data.table, b.normalization).select(b.split.testRows);
    return evaluateBySparsity(b.model, test);
}

}  // namespace ms
