#include "ui/training/RunFolder.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTextStream>

#include <cmath>
#include <stdexcept>

namespace ms {

namespace {

void appendText(const QString& path, const QString& text) {
    QFile file(path);
    if (!file.open(QIODevice::Append | QIODevice::Text))
        throw std::runtime_error(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()).toStdString());
    file.write(text.toUtf8());
}

QString safeName(const QString& name) {
    QString out;
    for (QChar c : name) out += (c.isLetterOrNumber() || c == '-' || c == '_') ? c : QChar('-');
    return out.isEmpty() ? QStringLiteral("run") : out.left(40);
}

}  // namespace

QString RunFolder::defaultRoot() {
    const QByteArray env = qgetenv("MASKSTUDIO_RUNS_DIR");
    if (!env.isEmpty()) return QString::fromLocal8Bit(env);
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/runs");
}

RunFolder RunFolder::create(const QString& root, const QString& name) {
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd_HHmmss"));
    QDir base(root);
    if (!base.mkpath(QStringLiteral(".")))
        throw std::runtime_error(QStringLiteral("cannot create the runs folder %1").arg(root).toStdString());
    QString dirName = stamp + '_' + safeName(name);
    for (int i = 2; base.exists(dirName); ++i) dirName = stamp + '_' + safeName(name) + '-' + QString::number(i);
    if (!base.mkdir(dirName))
        throw std::runtime_error(QStringLiteral("cannot create %1").arg(base.filePath(dirName)).toStdString());
    return RunFolder(base.filePath(dirName));
}

RunFolder RunFolder::open(const QString& dir) {
    RunFolder run(QDir(dir).absolutePath());
    if (!QFile::exists(run.settingsPath()))
        throw std::runtime_error(QStringLiteral("%1 is not a training run (no settings.json)").arg(dir).toStdString());
    return run;
}

QStringList RunFolder::list(const QString& root) {
    QStringList runs;
    const QDir base(root);
    for (const QString& d : base.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name | QDir::Reversed))
        if (QFile::exists(base.filePath(d) + QStringLiteral("/settings.json"))) runs << base.filePath(d);
    return runs;
}

QString RunFolder::modelPath() const { return m_dir + QStringLiteral("/model.msm"); }
QString RunFolder::partialModelPath() const { return m_dir + QStringLiteral("/model.mpd"); }
QString RunFolder::schemaPath() const { return m_dir + QStringLiteral("/schema.json"); }
QString RunFolder::settingsPath() const { return m_dir + QStringLiteral("/settings.json"); }
QString RunFolder::logPath() const { return m_dir + QStringLiteral("/log.txt"); }
QString RunFolder::curvesPath() const { return m_dir + QStringLiteral("/curves.csv"); }

void RunFolder::writeRequest(const api::TrainRequest& request) const {
    QSaveFile file(settingsPath());
    if (!file.open(QIODevice::WriteOnly))
        throw std::runtime_error(QStringLiteral("cannot write %1: %2").arg(settingsPath(), file.errorString()).toStdString());
    file.write(QJsonDocument(trainRequestToJson(request)).toJson());
    if (!file.commit())
        throw std::runtime_error(QStringLiteral("cannot write %1: %2").arg(settingsPath(), file.errorString()).toStdString());
}

api::TrainRequest RunFolder::readRequest() const {
    QFile file(settingsPath());
    if (!file.open(QIODevice::ReadOnly))
        throw std::runtime_error(QStringLiteral("cannot read %1: %2").arg(settingsPath(), file.errorString()).toStdString());
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (!doc.isObject())
        throw std::runtime_error(QStringLiteral("%1: not a settings file (%2 at byte %3)")
                                     .arg(settingsPath(), error.errorString())
                                     .arg(error.offset)
                                     .toStdString());
    return trainRequestFromJson(doc.object(), settingsPath());
}

void RunFolder::appendLog(const QString& line) const {
    appendText(logPath(), QDateTime::currentDateTime().toString(Qt::ISODate) + ' ' + line + '\n');
}

void RunFolder::appendCurves(const std::vector<EpochRecord>& records) const {
    QString text;
    if (!QFile::exists(curvesPath())) text = QStringLiteral("epoch,reconstruction,kl,sparsity,learning_rate,validation\n");
    for (const EpochRecord& r : records) {
        text += QStringLiteral("%1,%2,%3,%4,%5,%6\n")
                    .arg(r.epoch)
                    .arg(r.reconstruction, 0, 'g', 8)
                    .arg(r.kl, 0, 'g', 8)
                    .arg(r.sparsity, 0, 'g', 6)
                    .arg(r.learningRate, 0, 'g', 6)
                    .arg(std::isnan(r.validation) ? QString() : QString::number(r.validation, 'g', 8));
    }
    appendText(curvesPath(), text);
}

QJsonObject trainRequestToJson(const api::TrainRequest& r) {
    QJsonObject o;
    o["format"] = "maskstudio-run";
    o["data"] = QString::fromStdString(r.dataPath);
    o["schema"] = QString::fromStdString(r.schemaPath);
    o["preset"] = QString::fromStdString(r.preset);
    o["device"] = QString::fromStdString(r.device);
    o["fine_tune_from"] = QString::fromStdString(r.fineTuneFrom);
    if (r.epochs) o["epochs"] = static_cast<double>(*r.epochs);
    if (r.seed) o["seed"] = static_cast<double>(*r.seed);
    if (r.batchSize) o["batch_size"] = static_cast<double>(*r.batchSize);
    if (r.learningRate) o["lr"] = *r.learningRate;
    if (r.klWeight) o["kl_weight"] = *r.klWeight;
    if (r.latentDim) o["latent_dim"] = static_cast<double>(*r.latentDim);
    if (r.sparsity) {
        QJsonObject s;
        s["kind"] = QString::fromStdString(SparsitySchedule::kindName(r.sparsity->kind));
        s["start"] = r.sparsity->start;
        s["end"] = r.sparsity->end;
        s["segments"] = r.sparsity->segments;
        o["sparsity"] = s;
    }
    return o;
}

api::TrainRequest trainRequestFromJson(const QJsonObject& o, const QString& source) {
    if (o["format"].toString() != QLatin1String("maskstudio-run"))
        throw std::runtime_error(QStringLiteral("%1: \"format\" must be \"maskstudio-run\"").arg(source).toStdString());
    api::TrainRequest r;
    r.dataPath = o["data"].toString().toStdString();
    if (r.dataPath.empty()) throw std::runtime_error(QStringLiteral("%1: \"data\" is missing").arg(source).toStdString());
    r.schemaPath = o["schema"].toString().toStdString();
    r.preset = o["preset"].toString(QStringLiteral("default")).toStdString();
    r.device = o["device"].toString(QStringLiteral("auto")).toStdString();
    r.fineTuneFrom = o["fine_tune_from"].toString().toStdString();
    if (o.contains("epochs")) r.epochs = o["epochs"].toInteger();
    if (o.contains("seed")) r.seed = static_cast<uint64_t>(o["seed"].toInteger());
    if (o.contains("batch_size")) r.batchSize = o["batch_size"].toInteger();
    if (o.contains("lr")) r.learningRate = o["lr"].toDouble();
    if (o.contains("kl_weight")) r.klWeight = o["kl_weight"].toDouble();
    if (o.contains("latent_dim")) r.latentDim = o["latent_dim"].toInteger();
    if (o.contains("sparsity")) {
        const QJsonObject s = o["sparsity"].toObject();
        SparsitySchedule schedule;
        try {
            schedule.kind = SparsitySchedule::parseKind(s["kind"].toString().toStdString());
        } catch (const std::exception& e) {
            throw std::runtime_error(QStringLiteral("%1: sparsity.kind: %2").arg(source, e.what()).toStdString());
        }
        schedule.start = s["start"].toDouble();
        schedule.end = s["end"].toDouble();
        schedule.segments = s["segments"].toInt(4);
        if (const std::string problem = schedule.validate(); !problem.empty())
            throw std::runtime_error(QStringLiteral("%1: sparsity: %2").arg(source, QString::fromStdString(problem)).toStdString());
        r.sparsity = schedule;
    }
    return r;
}

}  // namespace ms
