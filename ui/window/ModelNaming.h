#pragma once
// What the model switcher calls a model. A model trained in the Training dock lives in its run
// folder as model.msm / model.mpd (runs/2026-12-05_140212_car/), so its file name says nothing:
// it is called by its data and when it was trained ("car · 2026-12-05 14:02"); any other model by
// its file name. A name the user gave it (File → Rename model…) wins, kept per model file.
#include <QString>

namespace ms {

// The name from the path alone (no user name): "car · 2026-12-05 14:02" for a run folder's
// model, else the file's base name ("bike" for models/bike.msm).
QString modelDisplayName(const QString& modelPath);

// The user's name for the model at `modelPath` (absolute), empty when none; setting an empty
// name forgets it.
QString userModelName(const QString& modelPath);
void setUserModelName(const QString& modelPath, const QString& name);

// The switcher's label: the user's name, else modelDisplayName.
QString modelLabel(const QString& modelPath);

}  // namespace ms
