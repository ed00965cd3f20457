#pragma once
// Conditions -> geometry for interactive use: holds a loaded model and decodes designs in
// the user's units. Owned by one thread (the CLI's, or the GUI's engine thread).
#include <vector>

#include "mcvae/GenerationRequest.h"
#include "mcvae/ModelBundle.h"

namespace ms::mcvae {

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

}  // namespace ms::mcvae
