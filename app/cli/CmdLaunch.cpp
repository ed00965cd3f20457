// `maskstudio-cli launch --nproc N -- COMMAND...`: N local ranks of one training run, like
// `torchrun --standalone`: each a copy of this program with RANK, WORLD_SIZE, LOCAL_RANK,
// MASTER_ADDR=127.0.0.1 and MASTER_PORT set. Ctrl+C (or SIGTERM) reaches every rank once; the
// launcher waits for all of them and reports each that failed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"

namespace ms::cli {
namespace {

struct LaunchOptions {
    int processes = 2;
    int port = 0;  // 0: a free one
    std::vector<std::string> command;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--nproc", processes, "ranks to start on this machine")->check(CLI::Range(1, 256));
        cmd->add_option("--port", port, "where rank 0 listens on 127.0.0.1 (0: a free port)")->check(CLI::Range(0, 65535));
        cmd->add_option("command", command, "the maskstudio-cli command each rank runs, after --, e.g. -- sfarm train --data t.csv --out t.sfm")
            ->required();
    }
    void validate() const {}
};

std::vector<pid_t> g_ranks;  // read by the signal handler
std::atomic<int> g_forwarded{0};

void forward(int signal) {
    g_forwarded = signal;
    for (pid_t pid : g_ranks) ::kill(pid, signal);
}

int freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    const bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    if (fd >= 0) ::close(fd);
    if (!ok) throw std::runtime_error(std::string("no free port on 127.0.0.1 (") + std::strerror(errno) + "); pass --port");
    return ntohs(address.sin_port);
}

void runLaunch(const LaunchOptions& o) {
    if (!o.command.empty() && o.command.front() == "launch") throw std::invalid_argument("launch: the ranks' command cannot be launch");
    const int port = o.port > 0 ? o.port : freePort();
    std::vector<std::string> args{"maskstudio-cli"};
    args.insert(args.end(), o.command.begin(), o.command.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::cerr << "launch: " << o.processes << " ranks, rank 0 at 127.0.0.1:" << port << "\n";
    struct sigaction action {};
    action.sa_handler = forward;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    g_ranks.reserve(static_cast<std::size_t>(o.processes));
    for (int rank = 0; rank < o.processes; ++rank) {
        const pid_t pid = ::fork();
        if (pid < 0) {
            forward(SIGTERM);
            throw std::runtime_error(std::string("launch: could not start rank ") + std::to_string(rank) + " (" + std::strerror(errno) + ")");
        }
        if (pid == 0) {
            ::setpgid(0, 0);  // a terminal's Ctrl+C reaches the launcher, which passes it on once
            ::signal(SIGINT, SIG_DFL);
            ::signal(SIGTERM, SIG_DFL);
            ::setenv("RANK", std::to_string(rank).c_str(), 1);
            ::setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
            ::setenv("WORLD_SIZE", std::to_string(o.processes).c_str(), 1);
            ::setenv("MASTER_ADDR", "127.0.0.1", 1);
            ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
            ::execv("/proc/self/exe", argv.data());
            std::cerr << "launch: rank " << rank << " could not start maskstudio-cli (" << std::strerror(errno) << ")\n";
            ::_exit(127);
        }
        g_ranks.push_back(pid);
    }
    int firstFailure = 0;
    for (std::size_t rank = 0; rank < g_ranks.size(); ++rank) {
        int status = 0;
        while (::waitpid(g_ranks[rank], &status, 0) < 0 && errno == EINTR) {
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
            std::cerr << "launch: rank " << rank << " exited with code " << WEXITSTATUS(status) << "\n";
            if (firstFailure == 0) firstFailure = WEXITSTATUS(status);
        } else if (WIFSIGNALED(status)) {
            std::cerr << "launch: rank " << rank << " was stopped by signal " << WTERMSIG(status) << " (" << strsignal(WTERMSIG(status)) << ")\n";
            if (firstFailure == 0) firstFailure = 128 + WTERMSIG(status);
        }
    }
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (firstFailure != 0) std::exit(firstFailure);
}

}  // namespace

void addLaunchCommand(CLI::App& app) {
    addCommand<LaunchOptions>(&app, "launch",
                              "run a command on N local ranks (data-parallel training, torchrun's variables): launch --nproc 2 -- sfarm train ...",
                              runLaunch);
}

}  // namespace ms::cli
