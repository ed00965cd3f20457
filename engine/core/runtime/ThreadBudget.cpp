#include "core/runtime/ThreadBudget.h"

#include <ATen/Parallel.h>
#include <omp.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace ms {

namespace {

thread_local ThreadBudget::Lease* t_lease = nullptr;
thread_local ThreadBudget* t_budget = nullptr;
thread_local int t_maxThreads = 0;  // the innermost lease's cap (0: none)

// OpenMP's thread count is per thread (an ICV of the calling thread), and so is OpenBLAS's with
// the OpenMP build. at::set_num_threads would also resize torch's global pthreadpool on every
// change, so the count is set through OpenMP directly, after ATen's own lazy per-thread
// initialisation (which would otherwise overwrite it on the thread's first parallel op).
void setIntraOpThreads(int threads) {
    at::internal::lazy_init_num_threads();
    if (omp_get_max_threads() != threads) omp_set_num_threads(threads);
}

int defaultCores() {
    const int torchThreads = at::get_num_threads();  // initTorchRuntime's choice on this process
    const int hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return torchThreads > 0 ? std::min(torchThreads, hardware) : hardware;
}

}  // namespace

ThreadBudget::ThreadBudget(int cores) : m_cores(cores > 0 ? cores : defaultCores()) {}

ThreadBudget& ThreadBudget::process() {
    static ThreadBudget budget;
    return budget;
}

ThreadBudget::CpuTimes ThreadBudget::readCpuTimes() {
    CpuTimes t;
    std::ifstream stat("/proc/stat");
    std::string label;
    double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    if (!(stat >> label >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) || label != "cpu") return t;
    std::ifstream self("/proc/self/stat");
    std::string line;
    if (!std::getline(self, line)) return t;
    // Fields after the command name (which may hold spaces, inside parentheses): utime is the 14th
    // field of the line, stime the 15th, i.e. the 12th and 13th after the closing parenthesis.
    const std::size_t close = line.rfind(')');
    if (close == std::string::npos) return t;
    std::istringstream rest(line.substr(close + 1));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 1; i <= 13 && rest >> field; ++i) {
        if (i == 12) utime = std::atof(field.c_str());
        if (i == 13) stime = std::atof(field.c_str());
    }
    const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
    if (!(tick > 0)) return t;
    t.machineBusy = (user + nice + system + irq + softirq + steal) / tick;
    t.machineTotal = (user + nice + system + idle + iowait + irq + softirq + steal) / tick;
    t.own = (utime + stime) / tick;
    t.valid = true;
    return t;
}

double ThreadBudget::othersBusyCores() {
    const std::lock_guard<std::mutex> lock(m_loadMutex);
    if (m_fixedOthers >= 0.0) return m_fixedOthers;
    const auto now = std::chrono::steady_clock::now();
    if (!m_lastTimes.valid) {
        // The first measurement: a short window (the clock ticks every 10 ms) so that the
        // first job already knows what else runs.
        m_lastTimes = readCpuTimes();
        if (!m_lastTimes.valid) return 0.0;
        std::this_thread::sleep_for(std::chrono::milliseconds(60));
    } else if (now - m_sampledAt < std::chrono::milliseconds(500)) {
        return m_othersBusy;
    }
    const CpuTimes times = readCpuTimes();
    if (!times.valid) return m_othersBusy;
    const double total = times.machineTotal - m_lastTimes.machineTotal;
    if (total > 0.0) {
        const double onlineCores = static_cast<double>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
        const double others = (times.machineBusy - m_lastTimes.machineBusy) - (times.own - m_lastTimes.own);
        m_othersBusy = std::clamp(others / total * onlineCores, 0.0, onlineCores);
    }
    m_lastTimes = times;
    m_sampledAt = std::chrono::steady_clock::now();
    return m_othersBusy;
}

void ThreadBudget::setOthersBusyCores(double cores) {
    const std::lock_guard<std::mutex> lock(m_loadMutex);
    m_fixedOthers = cores;
}

int ThreadBudget::share() {
    const int freeCores = std::max(1, static_cast<int>(std::lround(cores() - othersBusyCores())));
    return std::max(1, freeCores / std::max(1, busyWorkers()));
}

ThreadBudget::Lease::Lease(ThreadBudget& budget, int maxThreads)
    : m_budget(budget), m_outer(t_lease), m_threadsBefore(currentIntraOpThreads()), m_maxThreads(maxThreads) {
    t_maxThreads = maxThreads;
    if (!m_outer) {
        m_budget.m_busy.fetch_add(1);
        t_budget = &m_budget;
    }
    t_lease = this;
    followThreadShare();
}

ThreadBudget::Lease::~Lease() {
    t_lease = m_outer;
    if (m_outer) {
        t_maxThreads = m_outer->m_maxThreads;
        return;
    }
    t_maxThreads = 0;
    m_budget.m_busy.fetch_sub(1);
    t_budget = nullptr;
    setIntraOpThreads(m_threadsBefore);
}

void followThreadShare() {
    if (!t_budget) return;
    const int share = t_budget->share();
    setIntraOpThreads(t_maxThreads > 0 ? std::min(share, t_maxThreads) : share);
}

int currentIntraOpThreads() {
    at::internal::lazy_init_num_threads();
    return omp_get_max_threads();
}

}  // namespace ms
