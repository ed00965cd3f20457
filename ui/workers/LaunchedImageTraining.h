#pragma once
// An image training run on several local processes: `maskstudio-cli launch --nproc N -- image
// train ...` as a child process, its progress lines turned into the same progress / finished /
// failed signals the in-process ImageTrainingEngine emits (no preview grids: the ranks draw
// none; the model opens when the run ends). Cancel sends SIGINT, which the launcher passes to
// every rank: they stop at the same step and rank 0 writes its checkpoint.
#include <QImage>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace ms {

class LaunchedImageTraining : public QObject {
    Q_OBJECT
public:
    explicit LaunchedImageTraining(QObject* parent = nullptr);
    ~LaunchedImageTraining() override;  // cancels a running run and waits for it

    // The maskstudio-cli next to the studio's executable (or MASKSTUDIO_CLI when set).
    static QString defaultCliPath();
    // False when a run is going or the program cannot be started (failed() says why).
    bool start(const QString& cliPath, const QStringList& arguments, const QString& modelPath);
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    void cancel();

Q_SIGNALS:
    void progress(const QString& stage, int epoch, int epochs, double loss, double seconds, const QImage& previewGrid);
    void finished(const QString& modelPath, bool cancelled, const QString& summary);
    void failed(const QString& message);

private:
    void readOutput();
    void onFinished(int exitCode, QProcess::ExitStatus status);

    QProcess m_process;
    QString m_modelPath, m_pending;
    QStringList m_lastLines;  // the output's tail, for the summary or the failure
    bool m_cancelled = false;
};

}  // namespace ms
