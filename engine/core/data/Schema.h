#pragma once
// The data schema: which CSV columns are keypoints (x/y pairs), extra numeric outputs,
// categorical conditions, numerical conditions, or ignored. The model's output vector is
// [x_0, y_0, x_1, y_1, ..., extra outputs...] in this order.
#include <cstddef>
#include <string>
#include <vector>

namespace ms {

struct KeypointSpec {
    std::string name;     // e.g. "saddle_top"
    std::string xColumn;  // e.g. "x_saddle_top"
    std::string yColumn;
};

struct OutputSpec {  // an extra numeric output, e.g. "Wheel diameter rear"
    std::string column;
};

// Conditions carry an optional display label (what the studio shows instead of the raw column
// name; empty: ColumnLabel's tidy form of the column). Labels and wholeNumbers are presentation:
// they take no part in schema equality (a relabelled model still fine-tunes on the same CSV).
struct CategoricalSpec {
    std::string column;
    std::vector<std::string> classes;  // class index i <-> classes[i] (embedding index i + 1)
    std::string label = {};
};

struct NumericalSpec {
    std::string column;
    double min = 0.0;  // range over the data the schema was inferred from (for UI + normalisation)
    double max = 1.0;
    std::string label = {};
    bool wholeNumbers = false;  // every value in the data was a whole number (teeth, counts): shown without decimals
};

struct Schema {
    std::vector<KeypointSpec> keypoints;
    std::vector<OutputSpec> outputs;
    std::vector<CategoricalSpec> categorical;
    std::vector<NumericalSpec> numerical;
    std::vector<std::string> ignored;

    std::size_t outputDim() const { return 2 * keypoints.size() + outputs.size(); }
    std::size_t conditionCount() const { return categorical.size() + numerical.size(); }
    bool operator==(const Schema& o) const;
    bool operator!=(const Schema& o) const { return !(*this == o); }
};

}  // namespace ms
