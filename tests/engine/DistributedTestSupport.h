#pragma once
// What the data-parallel tests share: a free port on this machine, the settings of one rank of a
// group meeting at 127.0.0.1, and the first rows of the embedded bike table as a CSV.
#include <QFile>
#include <QString>
#include <QTemporaryDir>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "distributed/DistributedSettings.h"

namespace ms::testing {

// A TCP socket listening on a port the system picked, on every interface, while it lives.
class ListeningSocket {
public:
    ListeningSocket() : m_fd(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_ANY);
        socklen_t length = sizeof(address);
        if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || ::listen(m_fd, 1) != 0 ||
            ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
            throw std::runtime_error("no free port on this machine");
        m_port = ntohs(address.sin_port);
    }
    ~ListeningSocket() { ::close(m_fd); }
    int port() const { return m_port; }

private:
    int m_fd;
    int m_port = 0;
};

inline int freePort() { return ListeningSocket().port(); }  // free again once the probe closes

inline ms::distributed::DistributedSettings rankOf(int rank, int world, int port, double timeout = 20.0) {
    ms::distributed::DistributedSettings s;
    s.rank = rank;
    s.worldSize = world;
    s.masterPort = port;
    s.timeoutSeconds = timeout;
    return s;
}

// The header and the first `rows` rows of the embedded bike table, written into `dir`.
inline QString firstBikes(const QTemporaryDir& dir, int rows) {
    const QString data = dir.filePath("bikes.csv");
    QFile in(qEnvironmentVariable("MASKSTUDIO_MODELS_DIR") + "/bike.csv"), out(data);
    if (!in.open(QIODevice::ReadOnly) || !out.open(QIODevice::WriteOnly)) return QString();
    for (int line = 0; line <= rows && !in.atEnd(); ++line) out.write(in.readLine());
    return data;
}

}  // namespace ms::testing
