#pragma once
// How an SFARM model file maps raw values to the network's: per element the mean and sd of the
// observed training values (continuous elements; categorical ones keep 0 / 1, their value is the
// class index) and the observed range, and the bounds that keep generated values near that range.
#include <ATen/core/Tensor.h>

#include <vector>

#include "sfarm/SfarmInference.h"
#include "sfarm/SfarmModelFile.h"

namespace ms::sfarm {

// Fills f.mean, f.sd, f.low, f.high from x [N, S] (raw units) and observed [N, S] bool;
// `classes` and `levels` as in SfarmMlpConfig (empty = all continuous). An integer element is
// scaled by its range, mean = (low + high) / 2 and sd = (high - low) / 2, so its standardised
// values are exactly the discretised logistic's bin centres in [-1, 1].
void setElementScaling(SfarmModelFile& f, const at::Tensor& x, const at::Tensor& observed, const std::vector<int64_t>& classes,
                       const std::vector<int64_t>& levels = {});

// The levels of each element for SfarmMlpConfig::levels: L = high - low + 1 where every observed
// value is a whole number and 2 <= L <= maxLevels, else 0 (continuous). Categorical elements: 0.
std::vector<int64_t> integerLevels(const at::Tensor& x, const at::Tensor& observed, const std::vector<int64_t>& classes,
                                   int64_t maxLevels = 256);

// (x - mean) / sd per element, [N, S] float; categorical columns pass through unchanged.
at::Tensor standardise(const at::Tensor& x, const SfarmModelFile& f);

// Element k's standardised value back in raw units. Integer elements come back as the whole
// number their bin stands for and atoms as the value the data repeats, without the float noise
// of the round trip (0.9999999, 1e-07, 28.0000001).
// roundIntegers = false keeps an integer element's value as it is (a conditional mean between levels).
double rawValue(const SfarmModelFile& f, std::size_t k, double standardised, bool roundIntegers = true);

// Sets settings.lower / upper (standardised) to the recorded training range widened by
// `margin` of its width on each side; leaves them undefined for files without a range.
void boundToTrainingRange(ImputeSettings& settings, const SfarmModelFile& f, double margin);

}  // namespace ms::sfarm
