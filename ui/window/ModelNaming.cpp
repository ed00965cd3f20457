#include "ui/window/ModelNaming.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>

namespace ms {

namespace {
const QString kNamesGroup = QStringLiteral("modelNames");

// QSettings keys cannot hold every character of a path: the key is the path's hex.
QString keyFor(const QString& modelPath) {
    return kNamesGroup + QLatin1Char('/') + QString::fromLatin1(QFileInfo(modelPath).absoluteFilePath().toUtf8().toHex());
}
}  // namespace

QString modelDisplayName(const QString& modelPath) {
    const QFileInfo file(modelPath);
    const QString base = file.completeBaseName();
    if (base == QLatin1String("model")) {
        // RunFolder::create: <yyyy-MM-dd_HHmmss>_<name>[-<n>]
        static const QRegularExpression run(QStringLiteral("^(\\d{4}-\\d{2}-\\d{2})_(\\d{2})(\\d{2})\\d{2}_(.+)$"));
        const QRegularExpressionMatch m = run.match(file.absoluteDir().dirName());
        if (m.hasMatch())
            return QStringLiteral("%1 · %2 %3:%4").arg(m.captured(4), m.captured(1), m.captured(2), m.captured(3));
        if (!file.absoluteDir().dirName().isEmpty()) return file.absoluteDir().dirName();
    }
    return base;
}

QString userModelName(const QString& modelPath) {
    return QSettings().value(keyFor(modelPath)).toString().trimmed();
}

void setUserModelName(const QString& modelPath, const QString& name) {
    QSettings settings;
    if (name.trimmed().isEmpty())
        settings.remove(keyFor(modelPath));
    else
        settings.setValue(keyFor(modelPath), name.trimmed());
}

QString modelLabel(const QString& modelPath) {
    const QString user = userModelName(modelPath);
    return user.isEmpty() ? modelDisplayName(modelPath) : user;
}

}  // namespace ms
