#pragma once
// The observation-mask scenarios of method 3's image benchmark (METHODS.md §3; Work I, issue 15,
// and Work II, issue 16), on h x w images: (a) "iid", 50 % of the pixels missing independently;
// (b) "block", one square of a quarter of the image (14 x 14 of 28 x 28) missing at a random
// place; (c) "mixture", half the images (a) at 30 %, half (b). And Work I's hand-made partition
// rule for each: contexts lose i.i.d. pixels, or one square of the data's block size in the share
// of rows whose masks are blocks.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <random>
#include <string>

#include "partial/ContextMasks.h"

namespace ms::experiments {

inline constexpr double kScenarioIidMissing = 0.5, kScenarioMixtureIidMissing = 0.3, kScenarioBlockShare = 0.25;

// [n, h*w] float 0/1 (1 observed), fixed per image by the generator. Throws std::invalid_argument
// for an unknown scenario.
at::Tensor scenarioMasks(const std::string& scenario, int64_t n, int64_t h, int64_t w, std::mt19937_64& rng);

// The side of the scenarios' missing square.
int64_t scenarioBlockSide(int64_t h, int64_t w);

// Work I's contexts for the scenario (delta: the i.i.d. rule's drop probability).
partial::ContextSettings scenarioContext(const std::string& scenario, double delta, int64_t h, int64_t w);

}  // namespace ms::experiments
