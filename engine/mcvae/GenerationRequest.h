#pragma once
// What to generate: a condition set (any subset known), how many designs, and how to pick z.
#include <cstdint>
#include <vector>

#include "core/conditioning/ConditionValues.h"

namespace ms::mcvae {

enum class LatentMode {
    Sample,  // fresh z ~ N(0, I) per design (seeded)
    Zero,    // z = 0, the prior mean: the most typical design for the conditions
};

struct GenerationRequest {
    ConditionValues conditions;
    int count = 1;
    uint64_t seed = 0;
    LatentMode latent = LatentMode::Sample;
    std::vector<double> latentOffset;  // optional, added to z (latent sliders); empty = none
};

}  // namespace ms::mcvae
