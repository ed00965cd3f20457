#include "distributed/GlooGroup.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <c10/util/Exception.h>

#include <chrono>
#include <cstdlib>
#include <vector>

namespace ms::distributed {
namespace {

std::string reason(const std::exception& e) {
    if (const auto* c10 = dynamic_cast<const c10::Error*>(&e)) return c10->what_without_backtrace();
    return e.what();
}

bool mentions(const std::string& text, const char* what) { return text.find(what) != std::string::npos; }

bool isLoopback(const std::string& address) {
    return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1";
}

}  // namespace

struct GlooGroup::Impl {
    DistributedSettings settings;
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
    double secondsInCollectives = 0.0;
    int64_t calls = 0;

    // Runs one collective, timed; a failure names the rank and the phase.
    template <typename Start>
    void collective(const std::string& phase, Start start) {
        const auto t0 = std::chrono::steady_clock::now();
        try {
            start()->wait();
        } catch (const std::exception& e) {
            failed(phase, e);
        }
        secondsInCollectives += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        ++calls;
    }

    std::string who() const { return settings.who(); }
    std::string where() const { return settings.masterAddress + ":" + std::to_string(settings.masterPort); }
    std::string timeoutText() const {
        std::string t = std::to_string(settings.timeoutSeconds);
        return t.substr(0, t.find('.') + 2) + " s";
    }

    [[noreturn]] void failed(const std::string& phase, const std::exception& e) const {
        throw DistributedError(who() + ": " + phase + " failed (" + reason(e) + "); another rank stopped, or did not answer within " +
                               timeoutText());
    }
};

GlooGroup::GlooGroup(const DistributedSettings& settings) : m(std::make_unique<Impl>()) {
    settings.validate();
    m->settings = settings;
    const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(settings.timeoutSeconds * 1000.0));
    c10d::TCPStoreOptions store;
    store.port = static_cast<std::uint16_t>(settings.masterPort);
    store.isServer = settings.rank == 0;
    store.numWorkers = static_cast<std::size_t>(settings.worldSize);
    store.waitWorkers = true;
    store.timeout = timeout;
    try {
        m->store = c10::make_intrusive<c10d::TCPStore>(settings.masterAddress, store);
    } catch (const std::exception& e) {
        const std::string why = reason(e);
        if (settings.rank == 0 && (mentions(why, "in use") || mentions(why, "EADDRINUSE")))
            throw DistributedError(m->who() + ": the port " + m->where() + " is in use (another run?); pick a free one with "
                                   "MASTER_PORT or --master ADDRESS:PORT");
        if (settings.rank == 0)
            throw DistributedError(m->who() + ": not all " + std::to_string(settings.worldSize) + " ranks joined at " + m->where() +
                                   " within " + m->timeoutText() + " (" + why + "); check WORLD_SIZE and that every rank was started");
        throw DistributedError(m->who() + ": could not reach rank 0 at " + m->where() + " within " + m->timeoutText() + " (" + why +
                               "); check MASTER_ADDR and MASTER_PORT and that rank 0 runs");
    }
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    try {
        // On one machine the loopback; across machines the interface GLOO_SOCKET_IFNAME names, or
        // the one this machine's host name resolves to (c10d's rules, as in PyTorch).
        const char* interface = std::getenv("GLOO_SOCKET_IFNAME");
        if (isLoopback(settings.masterAddress))
            options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(settings.masterAddress));
        else if (interface && *interface)
            options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(interface));
        else
            options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
        options->threads = 1;
        m->group = c10::make_intrusive<c10d::ProcessGroupGloo>(m->store, settings.rank, settings.worldSize, options);
    } catch (const std::exception& e) {  // the ranks meet here: one missing makes the others time out
        throw DistributedError(m->who() + ": not all " + std::to_string(settings.worldSize) + " ranks joined at " + m->where() +
                               " within " + m->timeoutText() + " (" + reason(e) + "); check WORLD_SIZE and that every rank was started");
    }
}

GlooGroup::~GlooGroup() = default;

std::unique_ptr<GlooGroup> joinRanks(const DistributedSettings& settings) {
    return settings.distributed() ? std::make_unique<GlooGroup>(settings) : nullptr;
}

int GlooGroup::rank() const { return m->settings.rank; }
int GlooGroup::worldSize() const { return m->settings.worldSize; }

void GlooGroup::allReduceSum(at::Tensor& values, const std::string& phase) {
    std::vector<at::Tensor> tensors{values};
    m->collective("exchanging " + phase, [&] { return m->group->allreduce(tensors); });
}

void GlooGroup::broadcastFromRankZero(at::Tensor& values, const std::string& phase) {
    std::vector<at::Tensor> tensors{values};
    m->collective("receiving " + phase + " from rank 0", [&] { return m->group->broadcast(tensors); });
}

void GlooGroup::barrier(const std::string& phase) {
    m->collective("waiting for every rank at " + phase, [&] { return m->group->barrier(); });
}

double GlooGroup::collectiveSeconds() const { return m->secondsInCollectives; }
int64_t GlooGroup::collectiveCalls() const { return m->calls; }

}  // namespace ms::distributed
