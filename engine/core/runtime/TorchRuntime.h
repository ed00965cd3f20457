#pragma once
// One place that configures LibTorch for this process: thread count, determinism and the
// device a job runs on. Called by the CLI, the GUI's engine thread and the tests alike.
#include <c10/core/Device.h>
#include <cstdint>
#include <mutex>
#include <string>

namespace ms {

struct RuntimeInfo {
    bool cudaAvailable = false;
    int cudaDeviceCount = 0;
    int intraOpThreads = 1;
    std::string torchVersion;
    std::string blasBackend;  // what torch reports about its BLAS
};

// threads <= 0 means OMP_NUM_THREADS when that is set, else every core other processes leave
// free (the calling thread then follows ThreadBudget::process() between steps). Safe to call
// more than once.
void initTorchRuntime(int threads = 0);
RuntimeInfo runtimeInfo();

// LibTorch's layers initialise their weights from the global generator, whose seed is random per
// process; every job that builds a model calls this first so a seed gives the same model.
void seedParameterInitialisation(uint64_t seed);

// The lock around seeding and building: models built on several threads at once (a settings
// search, the studio's training and explore threads) each get exactly their seed's weights.
std::mutex& parameterInitialisationMutex();
template <class Build>
auto buildSeeded(uint64_t seed, Build&& build) {
    const std::lock_guard<std::mutex> lock(parameterInitialisationMutex());
    seedParameterInitialisation(seed);
    return build();
}

// "cpu", "cuda", "cuda:N" or "auto" (CUDA when LibTorch was built with it and a GPU is
// present, else CPU). Throws std::invalid_argument with the accepted values otherwise, and
// std::runtime_error when CUDA is requested but unavailable.
c10::Device resolveDevice(const std::string& name);
// The same for one rank of a data-parallel run on a node with several GPUs: "auto" and "cuda"
// (no index) give GPU localRank modulo the node's GPU count, as torchrun's LOCAL_RANK intends.
c10::Device resolveDevice(const std::string& name, int localRank);

}  // namespace ms
