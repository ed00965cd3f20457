#pragma once
// A 64-bit FNV-1a fingerprint of a DesignTable's contents: lets `eval` prove it is looking at
// the same data a model was trained on before it trusts the recorded test split.
#include <cstdint>

#include "core/data/DesignTable.h"

namespace ms {

uint64_t dataFingerprint(const DesignTable& table);

}  // namespace ms
