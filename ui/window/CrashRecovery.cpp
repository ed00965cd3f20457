#include "ui/window/CrashRecovery.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <set>

namespace ms {

namespace {

constexpr const char* kStateFile = "state.json";
constexpr const char* kLockFile = "session.lock";
constexpr const char* kFormat = "maskstudio-recovery";

// A name for the image's pixels: the same pixels, the same file.
QString imageFileName(const QImage& image) {
    QCryptographicHash hash(QCryptographicHash::Sha1);
    const int header[] = {image.width(), image.height(), static_cast<int>(image.format())};
    hash.addData(QByteArrayView(reinterpret_cast<const char*>(header), sizeof header));
    const qsizetype lineBytes = (static_cast<qsizetype>(image.width()) * image.depth() + 7) / 8;  // without the padding
    for (int y = 0; y < image.height(); ++y) hash.addData(QByteArrayView(reinterpret_cast<const char*>(image.constScanLine(y)), lineBytes));
    return QStringLiteral("img-%1.png").arg(QString::fromLatin1(hash.result().toHex().left(20)));
}

QJsonValue pinValue(double v) { return std::isnan(v) ? QJsonValue() : QJsonValue(v); }

struct ImageFiles {
    QHash<qint64, QString>* names;  // by cache key (kept between ticks)
    QHash<QString, QImage> used;    // what this state names
    QString operator()(const QImage& image) {
        if (image.isNull()) return {};
        auto it = names->find(image.cacheKey());
        if (it == names->end()) it = names->insert(image.cacheKey(), imageFileName(image));
        used.insert(*it, image);
        return *it;
    }
};

// The state as JSON (without the time it is written, so that equal states compare equal).
QJsonObject toJson(const WorkingState& s, ImageFiles& files) {
    QJsonArray pins;
    for (double v : s.pins) pins.append(pinValue(v));
    QJsonArray history;
    for (const ImageHistoryEntry& e : s.images.history)
        history.append(QJsonObject{{"file", files(e.image)},
                                   {"seed", QString::number(e.seed)},
                                   {"index", e.batchIndex},
                                   {"size", e.batchSize},
                                   {"conditions", e.conditions},
                                   {"description", e.description}});
    const ImageWork& w = s.images;
    return QJsonObject{{"format", kFormat},
                       {"version", 1},
                       {"keypoint_model", s.keypointModel},
                       {"conditions", s.conditions},
                       {"pins", pins},
                       {"image", QJsonObject{{"model", w.modelPath},
                                             {"current", files(w.current)},
                                             {"inpaint_mask", files(w.inpaintMask)},
                                             {"target_shape", files(w.targetShape)},
                                             {"use_target_shape", w.useTargetShape},
                                             {"seed", QString::number(w.seed)},
                                             {"history", history}}}};
}

// Writes the images the state names that are not there yet (each complete before it has its
// name), then the state, then removes the images no state names any more.
QString writeState(const QString& folder, const QHash<QString, QImage>& images, const QByteArray& json) {
    const QDir dir(folder);
    for (auto it = images.begin(); it != images.end(); ++it) {
        const QString path = dir.filePath(it.key());
        if (QFileInfo::exists(path)) continue;
        const QString partial = path + QStringLiteral(".part");
        if (!it.value().save(partial, "PNG")) return QStringLiteral("cannot write %1").arg(QDir::toNativeSeparators(partial));
        if (!QFile::rename(partial, path)) return QStringLiteral("cannot rename %1").arg(QDir::toNativeSeparators(partial));
    }
    QSaveFile state(dir.filePath(QString::fromLatin1(kStateFile)));
    if (!state.open(QIODevice::WriteOnly) || state.write(json) != json.size() || !state.commit())
        return QStringLiteral("cannot write %1: %2").arg(QDir::toNativeSeparators(state.fileName()), state.errorString());
    for (const QString& f : dir.entryList({QStringLiteral("img-*")}, QDir::Files))
        if (!images.contains(f)) QFile::remove(dir.filePath(f));
    return {};
}

}  // namespace

namespace crash_recovery {

QString root() { return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/recovery"); }

QStringList abandonedSessions() {
    const QDir dir(root());
    std::vector<std::pair<QDateTime, QString>> found;
    for (const QString& name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString folder = dir.filePath(name);
        QLockFile lock(QDir(folder).filePath(QString::fromLatin1(kLockFile)));
        lock.setStaleLockTime(0);  // only a dead owner makes it stale, never its age
        if (!lock.tryLock(0)) continue;  // its session runs
        lock.unlock();
        const QFileInfo state(QDir(folder).filePath(QString::fromLatin1(kStateFile)));
        if (!state.exists()) {
            QDir(folder).removeRecursively();  // ended before its first save: nothing to offer
            continue;
        }
        found.emplace_back(state.lastModified(), folder);
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    QStringList folders;
    for (const auto& f : found) folders << f.second;
    return folders;
}

std::optional<WorkingState> read(const QString& folder, QString* error) {
    const QDir dir(folder);
    const QString path = dir.filePath(QString::fromLatin1(kStateFile));
    QFile file(path);
    const auto fail = [error](const QString& message) {
        if (error) *error = message;
        return std::optional<WorkingState>();
    };
    if (!file.open(QIODevice::ReadOnly)) return fail(QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
    QJsonParseError parse;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parse);
    const QJsonObject o = doc.object();
    if (doc.isNull() || o.value(QStringLiteral("format")).toString() != QLatin1String(kFormat))
        return fail(QStringLiteral("%1: not a recovery state (%2)").arg(QDir::toNativeSeparators(path), parse.errorString()));
    QString missing;
    const auto image = [&dir, &missing](const QJsonValue& name) {
        const QString n = name.toString();
        if (n.isEmpty()) return QImage();
        QImage img(dir.filePath(n));
        if (img.isNull() && missing.isEmpty()) missing = dir.filePath(n);
        return img;
    };
    WorkingState s;
    s.saved = QDateTime::fromString(o.value(QStringLiteral("saved")).toString(), Qt::ISODateWithMs);
    s.keypointModel = o.value(QStringLiteral("keypoint_model")).toString();
    s.conditions = o.value(QStringLiteral("conditions")).toString();
    for (const QJsonValue v : o.value(QStringLiteral("pins")).toArray())
        s.pins.push_back(v.isDouble() ? v.toDouble() : std::numeric_limits<double>::quiet_NaN());
    const QJsonObject w = o.value(QStringLiteral("image")).toObject();
    s.images.modelPath = w.value(QStringLiteral("model")).toString();
    s.images.current = image(w.value(QStringLiteral("current")));
    s.images.inpaintMask = image(w.value(QStringLiteral("inpaint_mask")));
    s.images.targetShape = image(w.value(QStringLiteral("target_shape")));
    s.images.useTargetShape = w.value(QStringLiteral("use_target_shape")).toBool();
    s.images.seed = w.value(QStringLiteral("seed")).toString().toULongLong();
    for (const QJsonValue v : w.value(QStringLiteral("history")).toArray()) {
        const QJsonObject e = v.toObject();
        ImageHistoryEntry entry;
        entry.image = image(e.value(QStringLiteral("file")));
        entry.seed = e.value(QStringLiteral("seed")).toString().toULongLong();
        entry.batchIndex = e.value(QStringLiteral("index")).toInt();
        entry.batchSize = std::max(1, e.value(QStringLiteral("size")).toInt(1));
        entry.conditions = e.value(QStringLiteral("conditions")).toString();
        entry.description = e.value(QStringLiteral("description")).toString();
        if (!entry.image.isNull()) s.images.history.append(entry);
    }
    if (!missing.isEmpty()) return fail(QStringLiteral("%1: unreadable or missing").arg(QDir::toNativeSeparators(missing)));
    return s;
}

void discard(const QString& folder) { QDir(folder).removeRecursively(); }

}  // namespace crash_recovery

Autosaver::Autosaver(std::function<WorkingState()> snapshot, QObject* parent) : QObject(parent), m_snapshot(std::move(snapshot)) {}

Autosaver::~Autosaver() {
    if (m_inFlight.valid()) m_inFlight.wait();
    if (m_timer) m_timer->stop();
    if (m_lock) {
        m_lock->unlock();
        crash_recovery::discard(m_folder);  // a normal end: nothing to recover
    }
}

bool Autosaver::writing() const {
    return m_inFlight.valid() && m_inFlight.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
}

bool Autosaver::start(int intervalMs, QString* error) {
    const QString name = QStringLiteral("session-%1-%2")
                             .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")))
                             .arg(QCoreApplication::applicationPid());
    const QString folder = QDir(crash_recovery::root()).filePath(name);
    if (!QDir().mkpath(folder)) {
        if (error) *error = QStringLiteral("cannot create %1").arg(QDir::toNativeSeparators(folder));
        return false;
    }
    auto lock = std::make_unique<QLockFile>(QDir(folder).filePath(QString::fromLatin1(kLockFile)));
    lock->setStaleLockTime(0);
    if (!lock->tryLock(0)) {
        if (error) *error = QStringLiteral("cannot lock %1").arg(QDir::toNativeSeparators(lock->fileName()));
        return false;
    }
    m_folder = folder;
    m_lock = std::move(lock);
    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, &Autosaver::saveNow);
    m_timer->start(intervalMs);
    return true;
}

void Autosaver::saveNow() {
    if (!m_lock || writing()) return;
    if (m_inFlight.valid()) m_inFlight.get();
    ImageFiles files{&m_names, {}};
    QJsonObject state = toJson(m_snapshot(), files);
    const QString json = QString::fromUtf8(QJsonDocument(state).toJson(QJsonDocument::Compact));
    if (json == m_lastJson) return;
    // Cache keys of images no longer in the state are forgotten (a redrawn mask gets a new key).
    for (auto it = m_names.begin(); it != m_names.end();) it = files.used.contains(*it) ? std::next(it) : m_names.erase(it);
    state.insert(QStringLiteral("saved"), QDateTime::currentDateTime().toString(Qt::ISODateWithMs));
    const QByteArray bytes = QJsonDocument(state).toJson(QJsonDocument::Indented);
    ++m_started;
    m_inFlight = std::async(std::launch::async, [this, folder = m_folder, images = std::move(files.used), bytes, json] {
        const QString error = writeState(folder, images, bytes);
        QMetaObject::invokeMethod(this, [this, json, error] { finished(json, error); }, Qt::QueuedConnection);
    });
}

void Autosaver::finished(const QString& json, const QString& error) {
    ++m_finished;
    if (!error.isEmpty()) {
        Q_EMIT failed(error);
        return;
    }
    m_lastJson = json;
    Q_EMIT saved();
}

}  // namespace ms
