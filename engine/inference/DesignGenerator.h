#pragma once
// Conditions -> geometry for interactive use: holds a loaded model and decodes designs in
// the user's units. Owned by one thread (the CLI's, or the GUI's engine thread).
#include <cstdint>
#include <vector>

#include "inference/ConditionValues.h"
#include "io/ModelBundle.h"

namespace ms {

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

class DesignGenerator {
public:
    explicit DesignGenerator(ModelBundle bundle, const at::Device& device = at::Device(at::kCPU));

    // Each returned vector has schema().outputDim() values in raw units.
    std::vector<std::vector<double>> generate(const GenerationRequest& request) const;
    const Schema& schema() const { return m_bundle.schema; }
    const ModelBundle& bundle() const { return m_bundle; }

private:
    ModelBundle m_bundle;
    at::Device m_device;
};

}  // namespace ms
