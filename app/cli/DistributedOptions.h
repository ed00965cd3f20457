#pragma once
// The options every command that can train on several processes shares: torchrun's environment
// variables (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT) by default, these flags over
// them. `maskstudio-cli launch --nproc N -- COMMAND...` sets the variables for N local ranks.
#include <CLI/CLI.hpp>

#include <string>

#include "distributed/DistributedSettings.h"

namespace ms::cli {

struct DistributedOptions {
    int rank = -1, worldSize = -1;  // -1: from RANK / WORLD_SIZE (unset: one process)
    std::string master;             // ADDRESS:PORT; empty: MASTER_ADDR / MASTER_PORT
    double timeoutSeconds = 60.0;

    void addTo(CLI::App* cmd);
    // Throws std::invalid_argument naming the variable or flag that is wrong.
    distributed::DistributedSettings resolved() const;
};

}  // namespace ms::cli
