#pragma once
// `eval`: the paper's protocol on exactly the held-out split recorded in a model bundle.
#include <string>

#include "mcvae/ModelBundle.h"
#include "mcvae/SparsityEvaluation.h"

namespace ms::api {

// Throws std::invalid_argument when dataPath is not the data the model was trained on.
mcvae::SparsityEvaluation evaluateHeldOut(const mcvae::ModelBundle& bundle, const std::string& dataPath);

}  // namespace ms::api
