#pragma once
// The maskstudio-cli command line that trains what the Images tab is set up to train: run by the
// tab itself on N local processes (`launch --nproc N -- image train ...`), and shown to paste
// into a cluster's job script (a SLURM batch script whose srun starts one rank per task).
#include <QString>
#include <QStringList>

#include "api/ImageTraining.h"

namespace ms {

struct ImageTrainCommand {
    QString images;      // image folder or .mspack
    QString conditions;  // conditions CSV (empty: the folder's conditions.csv)
    api::ImageTrainRequest request;
    int threadsPerRank = 0;  // --threads (0: the CLI's default)
    int progressEvery = 5;

    // "image", "train", "--images", ... (no program name).
    QStringList trainArguments() const;
    // The command on `processes` local ranks: "launch", "--nproc", N, "--", "image", "train", ...
    QStringList launchArguments(int processes) const;
};

// One shell word per argument, quoted where the shell would split or expand it.
QString shellCommand(const QString& program, const QStringList& arguments);

// A SLURM batch script running the command on `nodes` nodes with `tasksPerNode` ranks each
// (srun sets each rank's number; rank 0's node is the first of the job's).
QString slurmScript(const ImageTrainCommand& command, int nodes, int tasksPerNode);

}  // namespace ms
