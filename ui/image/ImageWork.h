#pragma once
// What the user has made in the Image dock, as plain data: the history strip's images (newest
// first, each with the seed and conditions that made it), the image being worked on, the painted
// inpainting region and target shape. Crash recovery saves it and puts it back (ImagePanel::work,
// ImagePanel::restoreWork); nothing here refers to a model's internals.
#include <QImage>
#include <QList>
#include <QString>

namespace ms {

struct ImageHistoryEntry {
    QImage image;
    quint64 seed = 0;
    int batchIndex = 0;       // its place in the job's batch
    int batchSize = 1;        // images the job made
    QString conditions;       // NAME=VALUE lines of the job (the image model's schema)
    QString description;      // the entry's tool tip (seed, conditions, mask coverage)
};

struct ImageWork {
    QString modelPath;          // empty: no image model open
    QImage current;             // the image shown and edited (null: none)
    QImage inpaintMask;         // the red layer (white = re-generate)
    QImage targetShape;         // the blue layer (white = where the design goes)
    bool useTargetShape = false;
    quint64 seed = 0;
    QList<ImageHistoryEntry> history;  // newest first
};

}  // namespace ms
