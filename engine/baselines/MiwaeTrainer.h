#pragma once
// Training MIWAE (or, with K = 1 on complete data, the plain VAE) by maximising the
// importance-weighted bound on the observed values: AdamW, seeded, cancel checked every step.
#include <ATen/core/Tensor.h>

#include <cstdint>

#include "baselines/Miwae.h"
#include "core/runtime/CancelToken.h"
#include "core/training/DataParallelGroup.h"

namespace ms::baselines {

struct MiwaeTrainingConfig {
    int64_t epochs = 2000;
    int64_t batchSize = 100;
    double lr = 1e-3;
    int64_t importanceSamples = 20;
    uint64_t seed = 0;
    DataParallelGroup* group = nullptr;  // the run's ranks (MinibatchSettings::group); null: one process
};

// Returns the final epoch's mean bound per row (nats). Throws std::runtime_error naming epoch
// and step when the bound stops being finite.
double trainMiwae(Miwae& model, const at::Tensor& x, const at::Tensor& observed, const MiwaeTrainingConfig& config,
                  const CancelToken& cancel);

}  // namespace ms::baselines
