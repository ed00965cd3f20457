#include "app/cli/DistributedOptions.h"

namespace ms::cli {

void DistributedOptions::addTo(CLI::App* cmd) {
    const std::string group = "Several processes (data parallel; torchrun's RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT by default)";
    cmd->add_option("--rank", rank, "this process's rank, 0 to world size - 1 (-1: RANK)")->group(group);
    cmd->add_option("--world-size", worldSize, "how many processes train the run (-1: WORLD_SIZE, else 1)")->group(group);
    cmd->add_option("--master", master, "where rank 0 listens, ADDRESS:PORT (empty: MASTER_ADDR:MASTER_PORT, else 127.0.0.1:29500)")
        ->group(group);
    cmd->add_option("--distributed-timeout", timeoutSeconds, "seconds to wait for a rank before stopping with its name")
        ->check(CLI::Range(0.1, 86400.0))
        ->group(group);
}

distributed::DistributedSettings DistributedOptions::resolved() const {
    distributed::DistributedSettings s = distributed::DistributedSettings::fromEnvironment();
    if (worldSize >= 0) s.worldSize = worldSize;
    if (rank >= 0) s.rank = rank;
    if (!master.empty()) s.setMaster(master);
    s.timeoutSeconds = timeoutSeconds;
    s.validate();
    return s;
}

}  // namespace ms::cli
