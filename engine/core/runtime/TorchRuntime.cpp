#include "core/runtime/TorchRuntime.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <thread>

#include "core/runtime/ThreadBudget.h"

namespace ms {

void initTorchRuntime(int threads) {
    // 0: OMP_NUM_THREADS when set (a job sharing the machine, e.g. beside a build), else every core
    if (threads <= 0) {
        const char* env = std::getenv("OMP_NUM_THREADS");
        threads = env ? std::atoi(env) : 0;
    }
    const bool everyFreeCore = threads <= 0;
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (at::get_num_threads() != threads) at::set_num_threads(threads);
    if (everyFreeCore) {
        // "All cores" means the cores other processes leave free, now and as the job goes on
        // (the calling thread is a worker of the process's budget until it ends).
        static thread_local std::unique_ptr<ThreadBudget::Lease> lease;
        if (!lease) lease = std::make_unique<ThreadBudget::Lease>(ThreadBudget::process());
    }
    // Deterministic kernels where torch offers a choice; warn-only so that CUDA ops without a
    // deterministic variant (index_add_ on GPU) still run.
    at::globalContext().setDeterministicAlgorithms(true, /*warn_only=*/true);
}

RuntimeInfo runtimeInfo() {
    RuntimeInfo info;
    info.cudaAvailable = torch::cuda::is_available();
    info.cudaDeviceCount = info.cudaAvailable ? static_cast<int>(torch::cuda::device_count()) : 0;
    info.intraOpThreads = at::get_num_threads();
    info.torchVersion = TORCH_VERSION;
    info.blasBackend = at::globalContext().hasMKL() ? "MKL" : "system BLAS (OpenBLAS when libopenblas0 is installed)";
    return info;
}

c10::Device resolveDevice(const std::string& name) {
    if (name == "auto") return torch::cuda::is_available() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
    if (name == "cpu") return c10::Device(c10::kCPU);
    if (name.rfind("cuda", 0) == 0) {
        if (!torch::cuda::is_available())
            throw std::runtime_error("device '" + name + "' requested, but this LibTorch has no usable CUDA GPU; use --device cpu or auto");
        try {
            return c10::Device(name);
        } catch (const std::exception&) {
            throw std::invalid_argument("invalid device '" + name + "': use cpu, cuda, cuda:N or auto");
        }
    }
    throw std::invalid_argument("invalid device '" + name + "': use cpu, cuda, cuda:N or auto");
}

c10::Device resolveDevice(const std::string& name, int localRank) {
    const c10::Device d = resolveDevice(name);
    if (!d.is_cuda() || (name != "auto" && name != "cuda")) return d;
    const int count = static_cast<int>(torch::cuda::device_count());
    return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(count > 0 ? localRank % count : 0));
}

void seedParameterInitialisation(uint64_t seed) { at::manual_seed(seed); }

std::mutex& parameterInitialisationMutex() {
    static std::mutex m;
    return m;
}

}  // namespace ms
