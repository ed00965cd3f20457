#include "partial/GuidedContexts.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace ms::partial {

at::Tensor drawGuidedPriorMasks(PartialDenoiser& prior, const BfnSchedule& schedule, const at::Tensor& observed,
                                const GuidedContextSettings& settings, at::Generator& generator) {
    if (settings.drawsPerRow < 1 || settings.rowsPerCall < 1)
        throw std::invalid_argument("guided contexts: draws per row and rows per call must be at least 1");
    if (observed.dim() != 2) throw std::invalid_argument("guided contexts: observed masks must be [rows, entries]");
    const int64_t rows = observed.size(0), k = settings.drawsPerRow;
    const at::Tensor repeated = (observed > 0.5).to(at::kFloat).repeat_interleave(k, 0);
    // Calls of equal size: the gradient guidance's loss is normalised over a call's anchors, so a
    // short last call would take larger steps than the others.
    const int64_t total = repeated.size(0), calls = (total + settings.rowsPerCall - 1) / settings.rowsPerCall;
    std::vector<at::Tensor> parts;
    for (int64_t call = 0; call < calls; ++call) {
        const int64_t begin = call * total / calls, end = (call + 1) * total / calls;
        MaskSampling sampling = settings.sampling;
        sampling.observed = repeated.narrow(0, begin, end - begin);
        const at::Tensor drawn = sampleMasks(prior, sampling.observed.size(0), schedule, sampling, generator);
        if (!drawn.defined()) return {};
        parts.push_back(drawn);
    }
    return at::cat(parts, 0).view({rows, k, observed.size(1)});
}

at::Tensor pickRowPriorMask(const at::Tensor& rowMasks, at::Generator& generator) {
    const int64_t rows = rowMasks.size(0);
    const at::Tensor pick = at::randint(rowMasks.size(1), {rows}, generator, at::TensorOptions().dtype(at::kLong));
    const at::Tensor flat = at::arange(rows, at::TensorOptions().dtype(at::kLong)) * rowMasks.size(1) + pick;
    return rowMasks.reshape({-1, rowMasks.size(2)}).index_select(0, flat.to(rowMasks.device()));
}

at::Tensor memberRowPriorMasks(const at::Tensor& rowMasks, int64_t members) {
    const at::Tensor draw = at::arange(members, at::TensorOptions().dtype(at::kLong)).remainder(rowMasks.size(1));
    return rowMasks.index_select(1, draw.to(rowMasks.device())).reshape({-1, rowMasks.size(2)});
}

void checkRowPriorMasks(const at::Tensor& rowMasks, int64_t rows, int64_t entries, const char* what) {
    if (rowMasks.dim() != 3 || rowMasks.size(0) != rows || rowMasks.size(1) < 1 || rowMasks.size(2) != entries)
        throw std::invalid_argument(std::string(what) + ": per-row prior masks must be [" + std::to_string(rows) + ", k, " +
                                    std::to_string(entries) + "]");
}

}  // namespace ms::partial
