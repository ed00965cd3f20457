#pragma once
// Which rank of how many this process is, and where the ranks meet: torchrun's conventions, so
// that the launchers people already use (torchrun, srun under SLURM, mpirun wrappers setting the
// same variables, `maskstudio-cli launch`) start it unchanged.
#include <cstdint>
#include <string>

namespace ms::distributed {

struct DistributedSettings {
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;
    std::string masterAddress = "127.0.0.1";
    int masterPort = 29500;
    double timeoutSeconds = 60.0;  // a rank that dies or never joins stops the others after this long

    bool distributed() const { return worldSize > 1; }
    // "rank 1 of 4": how messages and the CLI's per-rank lines name this process.
    std::string who() const { return "rank " + std::to_string(rank) + " of " + std::to_string(worldSize); }
    // RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT (unset: one process). Where RANK and
    // WORLD_SIZE are not set, the rank, size and local rank of the launcher that started this
    // process: Open MPI's mpirun (OMPI_COMM_WORLD_RANK, _SIZE, _LOCAL_RANK) or a SLURM job step
    // started by srun (SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID; only inside a step, SLURM_STEP_ID
    // set, so that a batch script's own process is not taken for rank 0 of its tasks). MASTER_ADDR
    // is then still the script's to set. Throws std::invalid_argument naming the variable when one
    // is malformed or out of range.
    static DistributedSettings fromEnvironment();
    // "ADDR:PORT" (an IPv6 address in brackets); throws std::invalid_argument naming `text`.
    void setMaster(const std::string& text);
    // Throws std::invalid_argument when the numbers do not describe a rank of a group.
    void validate() const;
};

}  // namespace ms::distributed
