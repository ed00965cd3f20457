#pragma once
// The ranks of one training run as a c10d group: a TCPStore at rank 0's address for the
// rendezvous and Gloo's collectives over TCP (CPU tensors). No home-made networking: connecting,
// exchanging and noticing a dead peer are c10d's; this class names the rank and the phase when
// one of them fails.
#include <memory>
#include <stdexcept>
#include <string>

#include "core/training/DataParallelGroup.h"
#include "distributed/DistributedSettings.h"

namespace ms::distributed {

class DistributedError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class GlooGroup final : public DataParallelGroup {
public:
    // Joins the group: rank 0 listens at masterAddress:masterPort and waits for the others (at
    // most timeoutSeconds), the others connect to it. Throws DistributedError naming the rank and
    // what went wrong (the port in use, rank 0 unreachable, ranks missing).
    explicit GlooGroup(const DistributedSettings& settings);
    ~GlooGroup() override;
    GlooGroup(const GlooGroup&) = delete;
    GlooGroup& operator=(const GlooGroup&) = delete;

    int rank() const override;
    int worldSize() const override;
    void allReduceSum(at::Tensor& values, const std::string& phase) override;
    void broadcastFromRankZero(at::Tensor& values, const std::string& phase) override;
    void barrier(const std::string& phase);  // every rank has reached it
    // Wall time spent in the collectives above so far (waiting for slower ranks included).
    double collectiveSeconds() const;
    int64_t collectiveCalls() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

// The group of a run on several processes (joined as GlooGroup does), or null for one process:
// what every trainer calls once its data has read, so that a bad file is named before anyone waits.
std::unique_ptr<GlooGroup> joinRanks(const DistributedSettings& settings);

}  // namespace ms::distributed
