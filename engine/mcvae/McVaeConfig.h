#pragma once
// Architecture hyperparameters of the mcVAE (METHODS.md §1; defaults = the authors' GeoBIKED code).
#include <cstdint>
#include <vector>

#include "core/data/Schema.h"

namespace ms::mcvae {

struct McVaeConfig {
    int64_t outputDim = 26;                     // keypoint coordinates + extra outputs
    std::vector<int64_t> classCounts;           // per categorical condition
    int64_t numericalCount = 0;
    int64_t inputEmbedding = 64;                // first encoder layer ("x embedding")
    std::vector<int64_t> encoderHidden{128, 64, 32};
    int64_t latentDim = 10;
    int64_t conditionEmbedding = 5;             // per condition

    // Widths of the hidden layers as in the authors' code: the encoder is a linear input
    // embedding (no activation) followed by the hidden layers; the decoder runs the hidden
    // widths in reverse and then projects to the outputs.
    std::vector<int64_t> encoderWidths() const;   // [embed, hidden...]
    std::vector<int64_t> decoderWidths() const;   // [hidden reversed...]
    bool operator==(const McVaeConfig& o) const;
    // These sizes with the output and condition counts of a data set's schema.
    McVaeConfig forSchema(const Schema& schema) const;
};

}  // namespace ms::mcvae
