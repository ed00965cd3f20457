#pragma once
// A user's condition set (ConditionValues, raw units) as the models' ConditionInput: numerical
// values min-max normalised with the model's normalisation, unknown kept unknown, repeated for
// `rows` rows.
#include "core/conditioning/ConditionInput.h"
#include "core/conditioning/ConditionValues.h"
#include "core/data/Normalization.h"
#include "core/data/Schema.h"

namespace ms {

// Throws std::invalid_argument when the values do not match the schema.
ConditionInput conditionInputFor(const Schema& schema, const Normalization& norm, const ConditionValues& values,
                                 int64_t rows);

}  // namespace ms
