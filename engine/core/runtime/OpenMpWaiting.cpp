#include "core/runtime/OpenMpWaiting.h"

#include <unistd.h>

#include <cstdlib>

namespace ms {

bool openMpWaitingConfigured() { return std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("GOMP_SPINCOUNT") != nullptr; }

std::string openMpWaiting() {
    std::string out;
    for (const char* name : {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"})
        if (const char* value = std::getenv(name)) out += (out.empty() ? "" : " ") + std::string(name) + "=" + value;
    return out.empty() ? "default" : out;
}

void restartWithShortOpenMpSpins(char** argv) {
    if (openMpWaitingConfigured() || argv == nullptr || argv[0] == nullptr) return;
    if (setenv("GOMP_SPINCOUNT", kOpenMpSpinCount, 1) != 0) return;
    execv("/proc/self/exe", argv);  // only returns on failure: run on as we are
    unsetenv("GOMP_SPINCOUNT");
}

}  // namespace ms
