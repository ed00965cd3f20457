#include "api/EvalJob.h"

#include <stdexcept>

#include "core/data/DataFingerprint.h"
#include "core/data/DesignTensors.h"
#include "mcvae/PreparedData.h"

namespace ms::api {

mcvae::SparsityEvaluation evaluateHeldOut(const mcvae::ModelBundle& b, const std::string& dataPath) {
    const mcvae::PreparedData data = mcvae::prepareDataWithSchema(dataPath, b.schema, b.normalization);
    if (static_cast<int64_t>(data.table.rows) != b.split.dataRows || dataFingerprint(data.table) != b.split.dataFingerprint)
        throw std::invalid_argument(dataPath + ": not the data this model was trained on (" +
                                    std::to_string(data.table.rows) + " rows; the model recorded " +
                                    std::to_string(b.split.dataRows) + " rows of '" + b.split.dataFile +
                                    "'), so its held-out split does not apply");
    const DesignTensors test = makeDesignTensors(data.table, b.normalization).select(b.split.testRows);
    return mcvae::evaluateBySparsity(b.model, test);
}

}  // namespace ms::api
