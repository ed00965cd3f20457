#pragma once
// A generated data set: its schema and the fully labelled rows that follow it.
#include "core/data/DesignTable.h"
#include "core/data/Schema.h"

namespace ms {

struct SynthResult {
    Schema schema;
    DesignTable table;
};

}  // namespace ms
