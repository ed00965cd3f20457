#pragma once
// What the image-view tests share: the command line run to its end, and waiting on a signal spy.
#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QStringList>

namespace ms::testing {

// maskstudio-cli ARGS run to its end (at most 10 minutes); its exit code.
inline int runCli(const QStringList& args) {
    QProcess p;
    p.start(MASKSTUDIO_CLI_PATH, args);
    p.waitForFinished(600000);
    return p.exitCode();
}

// Whether `spy` has seen `count` signals within `ms` milliseconds (the event loop runs meanwhile).
inline bool waitFor(QSignalSpy& spy, int count, int ms = 60000) {
    QElapsedTimer t;
    t.start();
    while (spy.count() < count && t.elapsed() < ms) spy.wait(200);
    return spy.count() >= count;
}

}  // namespace ms::testing
