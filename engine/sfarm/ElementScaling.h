#pragma once
// How an SFARM model file maps raw values to the network's: per element the mean and sd of the
// observed training values (continuous elements; categorical ones keep 0 / 1, their value is the
// class index) and the observed range, and the bounds that keep generated values near that range.
#include <ATen/core/Tensor.h>

#include <vector>

#include "sfarm/SfarmInference.h"
#include "sfarm/SfarmModelFile.h"

namespace ms {

// Fills f.mean, f.sd, f.low, f.high from x [N, S] (raw units) and observed [N, S] bool;
// `classes` as in SfarmMlpConfig (empty = all continuous).
void setElementScaling(SfarmModelFile& f, const at::Tensor& x, const at::Tensor& observed, const std::vector<int64_t>& classes);

// (x - mean) / sd per element, [N, S] float; categorical columns pass through unchanged.
at::Tensor standardise(const at::Tensor& x, const SfarmModelFile& f);

// Sets settings.lower / upper (standardised) to the recorded training range widened by
// `margin` of its width on each side; leaves them undefined for files without a range.
void boundToTrainingRange(ImputeSettings& settings, const SfarmModelFile& f, double margin);

}  // namespace ms
