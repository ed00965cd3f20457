#include "ui/workers/LaunchedImageTraining.h"

#include <QCoreApplication>
#include <QDir>
#include <QRegularExpression>

#include <signal.h>

namespace ms {

LaunchedImageTraining::LaunchedImageTraining(QObject* parent) : QObject(parent) {
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    connect(&m_process, &QProcess::readyRead, this, &LaunchedImageTraining::readOutput);
    connect(&m_process, qOverload<int, QProcess::ExitStatus>(&QProcess::finished), this, &LaunchedImageTraining::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) Q_EMIT failed(tr("could not start %1: %2").arg(m_process.program(), m_process.errorString()));
    });
}

LaunchedImageTraining::~LaunchedImageTraining() {
    if (!isRunning()) return;
    m_process.disconnect(this);
    ::kill(static_cast<pid_t>(m_process.processId()), SIGINT);
    if (!m_process.waitForFinished(30000)) m_process.kill();
}

QString LaunchedImageTraining::defaultCliPath() {
    const QString set = qEnvironmentVariable("MASKSTUDIO_CLI");
    return set.isEmpty() ? QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("maskstudio-cli")) : set;
}

bool LaunchedImageTraining::start(const QString& cliPath, const QStringList& arguments, const QString& modelPath) {
    if (isRunning()) return false;
    m_modelPath = modelPath;
    m_pending.clear();
    m_lastLines.clear();
    m_cancelled = false;
    m_process.start(cliPath, arguments);
    return m_process.waitForStarted(10000);
}

void LaunchedImageTraining::cancel() {
    if (!isRunning()) return;
    m_cancelled = true;
    ::kill(static_cast<pid_t>(m_process.processId()), SIGINT);  // the launcher passes it to every rank
}

void LaunchedImageTraining::readOutput() {
    // "autoencoder epoch 3/30 loss 0.12345 (4.2 s)", "mcLDM epoch 10/100 loss ..." (rank 0's and
    // the other ranks' lines alike: every rank reports the global loss)
    static const QRegularExpression line(QStringLiteral("^(\\S+) epoch (\\d+)/(\\d+) loss ([-+0-9.eE]+|nan|inf) \\(([0-9.]+) s\\)$"));
    m_pending += QString::fromUtf8(m_process.readAll());
    int end;
    while ((end = m_pending.indexOf(QLatin1Char('\n'))) >= 0) {
        const QString text = m_pending.left(end).trimmed();
        m_pending.remove(0, end + 1);
        if (text.isEmpty()) continue;
        m_lastLines << text;
        if (m_lastLines.size() > 12) m_lastLines.removeFirst();
        const QRegularExpressionMatch m = line.match(text);
        if (m.hasMatch())
            Q_EMIT progress(m.captured(1), m.captured(2).toInt(), m.captured(3).toInt(), m.captured(4).toDouble(),
                            m.captured(5).toDouble(), QImage());
    }
}

void LaunchedImageTraining::onFinished(int exitCode, QProcess::ExitStatus status) {
    readOutput();
    if (!m_pending.trimmed().isEmpty()) m_lastLines << m_pending.trimmed();
    const QString tail = m_lastLines.join(QLatin1Char('\n'));
    if (status != QProcess::NormalExit || exitCode != 0) {
        Q_EMIT failed(tr("the ranks stopped (exit %1):\n%2").arg(exitCode).arg(tail));
        return;
    }
    // rank 0's closing line: "trained PATH on ..." or "cancelled ... checkpoint PATH (continue with --resume ...)"
    QString summary;
    for (const QString& l : m_lastLines)
        if (l.startsWith(QLatin1String("trained ")) || l.startsWith(QLatin1String("cancelled"))) summary = l;
    const bool cancelled = m_cancelled || summary.startsWith(QLatin1String("cancelled"));
    Q_EMIT finished(summary.contains(QLatin1String("nothing was written")) ? QString() : m_modelPath, cancelled,
                    summary.isEmpty() ? tail : summary);
}

}  // namespace ms
