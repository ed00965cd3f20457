#pragma once
// Crash recovery. Every studio session autosaves its WorkingState every few seconds into a folder
// of its own under <app data>/recovery/, which a lock file holds while the session runs; a normal
// exit removes the folder. A folder whose lock is free at start-up was left by a session that was
// killed or crashed: the next start offers to restore it (MainWindow::offerRecovery).
//
// The folder: state.json (QSaveFile: replaced whole or not at all) naming PNG files by a hash of
// their pixels, so an unchanged image (a history entry, an untouched mask) is written once, a
// new one is complete before the state that names it, and a kill at any moment leaves the last
// complete state readable. The writes run on a pool thread, one at a time, from copies taken on
// the GUI thread; a state equal to the last one written is not written again.
#include <QObject>
#include <QHash>
#include <QLockFile>
#include <QString>
#include <QStringList>

#include <functional>
#include <future>
#include <memory>
#include <optional>

#include "ui/window/WorkingState.h"

namespace ms {

namespace crash_recovery {
QString root();  // <app data>/recovery
// Folders left by sessions that ended without removing them (newest state first); a running
// session's folder is never listed.
QStringList abandonedSessions();
// The state in `folder`; nullopt with `error` (naming the file) when it is missing or unreadable.
std::optional<WorkingState> read(const QString& folder, QString* error);
void discard(const QString& folder);
}  // namespace crash_recovery

class Autosaver : public QObject {
    Q_OBJECT
public:
    // `snapshot` is called on the GUI thread at each tick.
    explicit Autosaver(std::function<WorkingState()> snapshot, QObject* parent = nullptr);
    ~Autosaver() override;  // waits for a write in flight; a normal end: removes the folder

    // Creates this session's folder, takes its lock and saves every `intervalMs`. False (and
    // `error`) when the folder cannot be made.
    bool start(int intervalMs, QString* error);
    QString folder() const { return m_folder; }
    void saveNow();           // unless a write is in flight or nothing changed
    bool writing() const;
    int writesStarted() const { return m_started; }
    int writesFinished() const { return m_finished; }  // written or failed; they finish in the order they start

Q_SIGNALS:
    void saved();                        // a state was written
    void failed(const QString& message); // a write failed (the previous state stays)

private:
    void finished(const QString& json, const QString& error);

    std::function<WorkingState()> m_snapshot;
    QString m_folder;
    std::unique_ptr<QLockFile> m_lock;
    QHash<qint64, QString> m_names;  // QImage::cacheKey -> its file (pixels hashed once per image)
    QString m_lastJson;              // the state last written
    std::future<void> m_inFlight;    // the write running (valid until it is waited for)
    int m_started = 0, m_finished = 0;
    class QTimer* m_timer = nullptr;
};

}  // namespace ms
