#pragma once
// What the studio window's tests share: starting the window on its built-in bike and waiting for
// the designs it draws, and comparing numbers to round-off.
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>

#include "ui/window/MainWindow.h"

namespace ms::testing {

inline bool near(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b)); }

// w's designsShown seen `count` times (spied on by `shown`), within 20 s.
inline void waitForDesigns(MainWindow& w, QSignalSpy& shown, int count) {
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= count, 20000);
    QTest::qWait(50);
}

// Non-interactive window on its startup model (the bike), shown when asked, first design drawn.
// `shown` spies on w's designsShown.
inline bool startOnBike(MainWindow& w, QSignalSpy& shown, bool show) {
    w.setInteractive(false);
    if (!w.openStartupModel()) return false;
    if (show) {
        w.show();
        (void)QTest::qWaitForWindowActive(&w);  // offscreen platforms may never activate it
    }
    if (!QTest::qWaitFor([&] { return shown.count() >= 1; }, 20000)) return false;
    QTest::qWait(50);
    return true;
}

}  // namespace ms::testing
