#pragma once
// How OpenMP's idle threads wait. GNU OpenMP (which LibTorch and OpenBLAS use here) lets a thread
// that waits at the end of a parallel region spin up to 300,000 times before it sleeps. On cores
// that something else also uses (the studio's other workers, a build, a browser) the spinning
// thread takes the core from the thread that still has work: image sampling measured 10x slower
// with one of two cores busy elsewhere. libgomp reads its wait settings once, when it is loaded
// (before main), so the settings must be in the environment when the program starts.
#include <string>

namespace ms {

// The spin count the programs run with (GOMP_SPINCOUNT); measured in tests/bench/thread_budget.sh.
constexpr const char* kOpenMpSpinCount = "10000";

// True when the environment already says how OpenMP threads wait (OMP_WAIT_POLICY or
// GOMP_SPINCOUNT, the user's or ours).
bool openMpWaitingConfigured();

// What the environment says: "OMP_WAIT_POLICY=…", "GOMP_SPINCOUNT=…" (both when both are set), or
// "default".
std::string openMpWaiting();

// Called first in main(): unless openMpWaitingConfigured(), sets GOMP_SPINCOUNT and re-executes
// the program once (same arguments) so that libgomp starts with it. Returns only when nothing
// had to be done or the re-execution failed (then the program runs on with the default).
void restartWithShortOpenMpSpins(char** argv);

}  // namespace ms
