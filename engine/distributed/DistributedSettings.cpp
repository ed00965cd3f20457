#include "distributed/DistributedSettings.h"

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <vector>

namespace ms::distributed {
namespace {

// A whole number in [low, high] from `text`, or an error naming `name`.
int64_t wholeNumber(const std::string& text, const std::string& name, int64_t low, int64_t high) {
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || end == text.c_str() || *end != '\0' || errno == ERANGE || v < low || v > high)
        throw std::invalid_argument(name + "='" + text + "': expected a whole number from " + std::to_string(low) + " to " +
                                    std::to_string(high));
    return v;
}

const char* variable(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
}

}  // namespace

DistributedSettings DistributedSettings::fromEnvironment() {
    DistributedSettings s;
    constexpr int64_t kMaxRanks = 1 << 16;
    // torchrun's names first, then mpirun's, then srun's (inside a job step)
    struct Names {
        const char *rank, *size, *localRank;
    };
    std::vector<Names> launchers{{"RANK", "WORLD_SIZE", "LOCAL_RANK"},
                                 {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK"}};
    if (variable("SLURM_STEP_ID")) launchers.push_back({"SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID"});
    for (const Names& n : launchers) {
        if (!variable(n.rank) && !variable(n.size)) continue;
        if (const char* v = variable(n.size)) s.worldSize = static_cast<int>(wholeNumber(v, n.size, 1, kMaxRanks));
        if (const char* v = variable(n.rank)) s.rank = static_cast<int>(wholeNumber(v, n.rank, 0, kMaxRanks - 1));
        if (const char* v = variable(n.localRank)) s.localRank = static_cast<int>(wholeNumber(v, n.localRank, 0, kMaxRanks - 1));
        break;
    }
    if (const char* v = variable("MASTER_ADDR")) s.masterAddress = v;
    if (const char* v = variable("MASTER_PORT")) s.masterPort = static_cast<int>(wholeNumber(v, "MASTER_PORT", 1, 65535));
    s.validate();
    return s;
}

void DistributedSettings::setMaster(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
        throw std::invalid_argument("--master '" + text + "': expected ADDRESS:PORT, e.g. 10.0.0.5:29500");
    std::string address = text.substr(0, colon);
    if (address.size() > 2 && address.front() == '[' && address.back() == ']') address = address.substr(1, address.size() - 2);
    masterAddress = address;
    masterPort = static_cast<int>(wholeNumber(text.substr(colon + 1), "--master's port", 1, 65535));
}

void DistributedSettings::validate() const {
    if (worldSize < 1) throw std::invalid_argument("the world size must be at least 1, got " + std::to_string(worldSize));
    if (rank < 0 || rank >= worldSize)
        throw std::invalid_argument("rank " + std::to_string(rank) + " is not a rank of a group of " + std::to_string(worldSize) +
                                    " (ranks are 0 to " + std::to_string(worldSize - 1) + "): check RANK and WORLD_SIZE");
    if (masterAddress.empty()) throw std::invalid_argument("no address for rank 0 (MASTER_ADDR or --master)");
    if (masterPort < 1 || masterPort > 65535) throw std::invalid_argument("the port " + std::to_string(masterPort) + " is not in 1..65535");
    if (!(timeoutSeconds > 0)) throw std::invalid_argument("the distributed timeout must be positive");
}

}  // namespace ms::distributed
