#pragma once
// The studio's themes: "system" (the platform's palette), "light" and "dark" (Fusion style with
// a fixed palette), applied to the whole application.
#include <QString>

namespace ms {

void applyStudioTheme(const QString& theme);

}  // namespace ms
