#pragma once
// `eval`: the paper's protocol on exactly the held-out split recorded in a model bundle.
#include <string>

#include "eval/SparsityEvaluation.h"
#include "io/ModelBundle.h"

namespace ms {

// Throws std::invalid_argument when dataPath is not the data the model was trained on.
SparsityEvaluation evaluateHeldOut(const ModelBundle& bundle, const std::string& dataPath);

}  // namespace ms
