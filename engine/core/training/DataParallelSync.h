#pragma once
// What the data-parallel training loops agree on besides the gradients' sum: that some rank asks
// to stop (a cancel, an early stop), and the generator every rank draws the global batch's
// randomness from. A step's gradients and its stop flag travel together in one all-reduce
// (GradientExchange): a small model's step (the mcVAE's ~0.5 ms) then pays one round trip.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "core/training/DataParallelGroup.h"

namespace ms {

// Whether `flag` is set on any rank (every rank must call it at the same point).
bool anyRank(DataParallelGroup& group, bool flag, const std::string& phase);

// Every rank's generator set to rank 0's.
void alignGenerators(DataParallelGroup& group, at::Generator& generator, const std::string& phase);

// Sums `buffer` over the ranks in one all-reduce with `values` written into its last values.size()
// entries first; `values` then hold their sums (in the buffer's precision: a float buffer carries
// them to about 7 digits).
void allReduceWithValues(DataParallelGroup& group, at::Tensor& buffer, std::vector<double>& values, const std::string& phase);

class GradientExchange {
public:
    explicit GradientExchange(DataParallelGroup& group) : m_group(group) {}
    // Sums `gradients` over the ranks, in place; returns whether any rank raised `stop`.
    bool sum(at::Tensor& gradients, bool stop, const std::string& phase);

private:
    DataParallelGroup& m_group;
    at::Tensor m_staging;  // the gradients and the flag, side by side
};

}  // namespace ms
