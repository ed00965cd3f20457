#pragma once
// A user's condition set (ConditionValues, raw units) as the models' ConditionInput: numerical
// values min-max normalised with the model's normalisation, unknown kept unknown, repeated for
// `rows` rows.
#include "conditioning/ConditionInput.h"
#include "data/Normalization.h"
#include "data/Schema.h"
#include "inference/ConditionValues.h"

namespace ms {

// Throws std::invalid_argument when the values do not match the schema.
ConditionInput conditionInputFor(const Schema& schema, const Normalization& norm, const ConditionValues& values,
                                 int64_t rows);

}  // namespace ms
