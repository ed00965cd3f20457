#include "ui/window/StudioSettings.h"

#include <QSettings>

namespace ms {
namespace {

// The one list of keys: visit(key, field) for every remembered field.
template <typename Settings, typename Visit>
void forEachKey(Settings& s, Visit&& visit) {
    visit("window/geometry", s.windowGeometry);
    visit("window/state", s.windowState);
    visit("theme", s.theme);
    visit("sampling/samples", s.sampling.samples);
    visit("sampling/mean", s.sampling.meanDesign);
    visit("sampling/fresh", s.sampling.freshSeed);
    visit("sampling/seed", s.sampling.seed);
    visit("sampling/labels", s.sampling.labels);
    visit("sampling/reference", s.sampling.reference);
    visit("recentModels", s.recentModels);
    visit("lastModel", s.lastModel);
    visit("lastImageModel", s.lastImageModel);
    visit("exportDir", s.exportDir);
    visit("canvas/gridStep", s.gridStep);
    visit("canvas/snapToGrid", s.snapToGrid);
    visit("canvas/designUnit", s.designUnit);
}

const QString kConditionsPrefix = QStringLiteral("conditions/");

template <typename T>
void read(const QSettings& q, const char* key, T& field) {
    const QVariant v = q.value(QLatin1String(key));
    if (v.isValid() && v.canConvert<T>()) field = v.value<T>();
}

}  // namespace

StudioSettings StudioSettings::load(const StudioSettings& defaults) {
    const QSettings q;
    StudioSettings s = defaults;
    forEachKey(s, [&q](const char* key, auto& field) { read(q, key, field); });
    return s;
}

void StudioSettings::save() const {
    QSettings q;
    forEachKey(*this, [&q](const char* key, const auto& field) { q.setValue(QLatin1String(key), QVariant::fromValue(field)); });
}

QString StudioSettings::conditionsFor(const QString& modelName) {
    return QSettings().value(kConditionsPrefix + modelName).toString();
}

void StudioSettings::setConditionsFor(const QString& modelName, const QString& lines) {
    QSettings().setValue(kConditionsPrefix + modelName, lines);
}

}  // namespace ms
