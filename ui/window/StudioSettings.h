#pragma once
// Everything the studio window remembers between sessions, typed, with its QSettings keys in
// one list (StudioSettings.cpp): loading and saving walk the same list, so a key can neither be
// read under one name and written under another nor be forgotten on one side.
#include <QByteArray>
#include <QString>
#include <QStringList>

#include "ui/panels/SamplingPanel.h"

namespace ms {

struct StudioSettings {
    QByteArray windowGeometry;
    QByteArray windowState;
    QString theme = QStringLiteral("system");
    SamplingOptions sampling;   // latentOffset is not kept
    QStringList recentModels;   // most recent first
    QString lastModel;          // opened at start-up when it still exists
    QString lastImageModel;     // the Image dock's, likewise (empty: the built-in one)
    QString exportDir;          // empty: the home folder
    double gridStep = 10.0;     // design units between grid lines that dragged keypoints snap to
    bool snapToGrid = false;
    QString designUnit = QStringLiteral("mm");  // what the design's numbers are in (scale bar, DXF)

    // Every key; a missing or unreadable one keeps the value in `defaults`.
    static StudioSettings load(const StudioSettings& defaults);
    static StudioSettings load() { return load(StudioSettings()); }
    void save() const;

    // The conditions last set for a model ("NAME=VALUE" lines), by model name: one key per model.
    static QString conditionsFor(const QString& modelName);
    static void setConditionsFor(const QString& modelName, const QString& lines);
};

}  // namespace ms
