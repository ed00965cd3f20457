#pragma once
// Where the mcVAE settings search looks (issue 13): input and condition embedding sizes, encoder
// widths and depth, latent size, batch size, number of updates, learning rate, KL weight and the
// sparsity schedule, drawn log-uniformly where the scale matters. The ranges hold the paper's
// GeoBIKED and car optima (embedding 203 / 151, condition embedding 11 / 19, batch 140 / 55).
#include <cstdint>
#include <random>
#include <string>

#include "mcvae/Preset.h"

namespace ms::mcvae {

// A draw around `base` (its column overrides, test fraction, seed and threads are kept), sized
// for `trainRows` training rows. Same rng state, same draw, on every standard library.
Preset sampleMcVaeSettings(const Preset& base, int64_t trainRows, std::mt19937_64& rng);

// One line, e.g. "embed 151, cond 19, enc 256-128-64, z 10, batch 55, 12,000 updates (324 epochs),
// lr 1.2e-03, KL 0.95, linear 0.10 -> 0.30".
std::string describeMcVaeSettings(const Preset& p, int64_t trainRows);

}  // namespace ms::mcvae
