#pragma once
// One budget of CPU threads for the engine's workers in one process. The studio runs its
// explore, image, training and settings-search workers side by side on the same cores; each
// worker thread that takes a Lease counts as busy while the lease lives, and its intra-op
// threads (OpenMP, which ATen and OpenBLAS use) are the cores that other processes leave free,
// divided among the busy workers (at least one). A long job calls followThreadShare() between
// steps, so a training run gives up cores while the user's images are drawn, or while a build
// runs beside it, and takes them back afterwards. Threads without a lease keep whatever
// initTorchRuntime set. Torch-free header.
#include <atomic>
#include <chrono>
#include <mutex>

namespace ms {

class ThreadBudget {
public:
    // cores <= 0: initTorchRuntime's count (OMP_NUM_THREADS when set, else every core).
    explicit ThreadBudget(int cores = 0);
    // The process's budget, shared by every engine worker.
    static ThreadBudget& process();

    int cores() const { return m_cores.load(); }
    int busyWorkers() const { return m_busy.load(); }
    // Cores kept busy by other processes, from the machine's and this process's CPU time over
    // the last half second or more (Linux /proc; 0 elsewhere). Measured when at least that long
    // has passed since the last measurement, else the last value.
    double othersBusyCores();
    // Tests and benchmarks: a fixed value instead of the measurement (negative: measure again).
    void setOthersBusyCores(double cores);
    // Intra-op threads for each busy worker now: the cores other processes leave free (rounded),
    // divided among the busy workers, at least 1.
    int share();

    // RAII: the calling thread is a busy worker of this budget from construction to destruction
    // and runs with its share (applied now and by every followThreadShare() on this thread).
    class Lease {
    public:
        // maxThreads > 0: never more intra-op threads than that (a worker whose models are so
        // small that a second thread costs more than it brings, e.g. the studio's explore worker).
        explicit Lease(ThreadBudget& budget, int maxThreads = 0);
        ~Lease();
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;

    private:
        ThreadBudget& m_budget;
        Lease* m_outer;  // a lease taken inside another on the same thread counts once
        int m_threadsBefore;
        int m_maxThreads;
    };

private:
    struct CpuTimes {
        double machineBusy = 0, machineTotal = 0, own = 0;  // seconds (all cores)
        bool valid = false;
    };
    static CpuTimes readCpuTimes();

    std::atomic<int> m_cores;
    std::atomic<int> m_busy{0};
    std::mutex m_loadMutex;
    std::chrono::steady_clock::time_point m_sampledAt{};
    CpuTimes m_lastTimes;
    double m_othersBusy = 0.0;
    double m_fixedOthers = -1.0;
};

// The calling thread's intra-op threads follow its lease's current share; a no-op on a thread
// without a lease. Cheap (two atomic loads when nothing changed): long loops call it per step.
void followThreadShare();

// The calling thread's intra-op thread count (what its next parallel op uses).
int currentIntraOpThreads();

}  // namespace ms
