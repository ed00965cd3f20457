#pragma once
// A generated data set: its schema and the fully labelled rows that follow it.
#include "data/DesignTable.h"
#include "data/Schema.h"

namespace ms {

struct SynthResult {
    Schema schema;
    DesignTable table;
};

}  // namespace ms
