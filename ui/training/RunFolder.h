#pragma once
// A training run on disk: runs/<date>_<time>_<name>/ with settings.json (what was asked),
// schema.json, log.txt, curves.csv (one row per epoch) and model.msm (the checkpoint the
// engine keeps current), or model.mpd for a model learned from incomplete designs. Everything a user needs to look at, compare or resume a run later.
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <vector>

#include "api/TrainRequest.h"
#include "core/training/TrainingProgress.h"

namespace ms {

class RunFolder {
public:
    // <AppDataLocation>/runs, or $MASKSTUDIO_RUNS_DIR when set.
    static QString defaultRoot();
    // Creates a new, unique folder; throws std::runtime_error naming the path when it can't.
    static RunFolder create(const QString& root, const QString& name);
    static RunFolder open(const QString& dir);  // throws std::runtime_error when it is no run folder
    static QStringList list(const QString& root);  // run folders, newest first

    const QString& dir() const { return m_dir; }
    QString modelPath() const;
    QString partialModelPath() const;  // model.mpd
    QString schemaPath() const;
    QString settingsPath() const;
    QString logPath() const;
    QString curvesPath() const;

    void writeRequest(const api::TrainRequest& request) const;
    api::TrainRequest readRequest() const;  // throws std::runtime_error naming the file and field
    void appendLog(const QString& line) const;
    void appendCurves(const std::vector<EpochRecord>& records) const;

private:
    explicit RunFolder(QString dir) : m_dir(std::move(dir)) {}
    QString m_dir;
};

QJsonObject trainRequestToJson(const api::TrainRequest& request);
api::TrainRequest trainRequestFromJson(const QJsonObject& json, const QString& sourceForErrors);

}  // namespace ms
