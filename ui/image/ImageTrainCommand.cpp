#include "ui/image/ImageTrainCommand.h"

#include <QRegularExpression>

namespace ms {

QStringList ImageTrainCommand::trainArguments() const {
    const api::ImageTrainRequest& r = request;
    QStringList a{QStringLiteral("image"), QStringLiteral("train"), QStringLiteral("--images"), images};
    if (!conditions.isEmpty()) a << QStringLiteral("--conditions") << conditions;
    a << QStringLiteral("--out") << QString::fromStdString(r.outPath);
    if (!r.preset.empty()) a << QStringLiteral("--preset") << QString::fromStdString(r.preset);
    a << QStringLiteral("--ae-epochs") << QString::number(r.aeEpochs) << QStringLiteral("--epochs") << QString::number(r.epochs)
      << QStringLiteral("--batch") << QString::number(r.batchSize) << QStringLiteral("--lr") << QString::number(r.lr, 'g', 6)
      << QStringLiteral("--base") << QString::number(r.baseChannels);
    QStringList mult;
    for (int64_t m : r.channelMult) mult << QString::number(m);
    a << QStringLiteral("--mult") << mult.join(QLatin1Char(','));
    if (r.crossAttention) a << QStringLiteral("--cross-attention");
    if (!r.device.empty()) a << QStringLiteral("--device") << QString::fromStdString(r.device);
    if (!r.fineTuneFrom.empty()) a << QStringLiteral("--fine-tune-from") << QString::fromStdString(r.fineTuneFrom);
    if (r.fineTuneFirstStage) a << QStringLiteral("--fine-tune-first-stage");
    if (!r.resumeFrom.empty()) a << QStringLiteral("--resume") << QString::fromStdString(r.resumeFrom);
    if (threadsPerRank > 0) a << QStringLiteral("--threads") << QString::number(threadsPerRank);
    if (progressEvery != 5) a << QStringLiteral("--progress-every") << QString::number(progressEvery);
    return a;
}

QStringList ImageTrainCommand::launchArguments(int processes) const {
    return QStringList{QStringLiteral("launch"), QStringLiteral("--nproc"), QString::number(processes), QStringLiteral("--")} +
           trainArguments();
}

QString shellCommand(const QString& program, const QStringList& arguments) {
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_@%+=:,./-]+$"));
    QStringList words;
    for (const QString& w : QStringList{program} + arguments) {
        if (plain.match(w).hasMatch()) words << w;
        else words << QLatin1Char('\'') + QString(w).replace(QLatin1String("'"), QLatin1String("'\\''")) + QLatin1Char('\'');
    }
    return words.join(QLatin1Char(' '));
}

QString slurmScript(const ImageTrainCommand& command, int nodes, int tasksPerNode) {
    ImageTrainCommand perRank = command;
    perRank.progressEvery = 5;
    return QStringLiteral(
               "#!/bin/bash\n"
               "#SBATCH --job-name=maskstudio-image-train\n"
               "#SBATCH --nodes=%1\n"
               "#SBATCH --ntasks-per-node=%2\n"
               "#SBATCH --cpus-per-task=%3\n"
               "#SBATCH --time=04:00:00\n"
               "# Every node needs maskstudio-cli and the images at the same path (a shared folder, or a copy\n"
               "# on each); only rank 0 writes the model, so --out must be writable on the first node.\n"
               "# srun numbers the ranks (SLURM_PROCID, SLURM_NTASKS); rank 0 listens on the first node.\n"
               "export MASTER_ADDR=$(scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n 1)\n"
               "export MASTER_PORT=29500\n"
               "srun %4\n"
               "# Stopped (time limit, scancel)? The model file is a checkpoint: add --resume with its path.\n")
        .arg(nodes)
        .arg(tasksPerNode)
        .arg(std::max(1, command.threadsPerRank))
        .arg(shellCommand(QStringLiteral("maskstudio-cli"), perRank.trainArguments()));
}

}  // namespace ms
