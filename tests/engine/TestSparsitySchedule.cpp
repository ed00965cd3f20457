// Schedule values at given steps (paper §3.2, eq. 5) and parameter validation.
#include <QtTest/QtTest>

#include <cmath>

#include "core/conditioning/SparsitySchedule.h"

using ms::ScheduleKind;
using ms::SparsitySchedule;

class TestSparsitySchedule : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void valuesAtSteps_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<double>("start");
        QTest::addColumn<double>("end");
        QTest::addColumn<int>("segments");
        QTest::addColumn<qint64>("step");
        QTest::addColumn<double>("expected");
        const qint64 T = 1000;
        auto row = [&](const char* name, ScheduleKind k, double s, double e, int n, qint64 t, double v) {
            QTest::newRow(name) << int(k) << s << e << n << t << v;
        };
        row("constant", ScheduleKind::Constant, 0.3, 0.9, 4, 500, 0.3);
        row("linear start", ScheduleKind::Linear, 0.1, 0.2, 4, 0, 0.1);
        row("linear mid", ScheduleKind::Linear, 0.1, 0.2, 4, 500, 0.15);
        row("linear end", ScheduleKind::Linear, 0.1, 0.2, 4, T, 0.2);
        row("linear decreasing", ScheduleKind::Linear, 0.6, 0.5, 4, 250, 0.575);
        row("linear clamps past T", ScheduleKind::Linear, 0.1, 0.2, 4, 5 * T, 0.2);
        row("step seg1", ScheduleKind::Step, 0.0, 0.8, 4, 0, 0.0);
        row("step seg2", ScheduleKind::Step, 0.0, 0.8, 4, 250, 0.2);
        row("step seg4", ScheduleKind::Step, 0.0, 0.8, 4, 999, 0.6);
        row("step at T stays last segment", ScheduleKind::Step, 0.0, 0.8, 4, T, 0.6);
        row("step decreasing", ScheduleKind::Step, 0.8, 0.0, 2, 600, 0.4);
        row("exponential t=0", ScheduleKind::Exponential, 0.1, 0.5, 4, 0, 0.1);
        row("exponential t=T", ScheduleKind::Exponential, 0.1, 0.5, 4, T, 0.1 + 0.4 * (1 - std::exp(-1.0)));
        row("exponential t=T/2", ScheduleKind::Exponential, 0.1, 0.5, 4, T / 2, 0.1 + 0.4 * (1 - std::exp(-0.5)));
        row("cosine start", ScheduleKind::Cosine, 0.6, 0.5, 4, 0, 0.6);
        row("cosine mid", ScheduleKind::Cosine, 0.6, 0.5, 4, T / 2, 0.55);
        row("cosine end", ScheduleKind::Cosine, 0.6, 0.5, 4, T, 0.5);
    }
    void valuesAtSteps() {
        QFETCH(int, kind);
        QFETCH(double, start);
        QFETCH(double, end);
        QFETCH(int, segments);
        QFETCH(qint64, step);
        QFETCH(double, expected);
        SparsitySchedule s{ScheduleKind(kind), start, end, segments};
        QVERIFY(s.validate().empty());
        QVERIFY2(std::abs(s.at(step, 1000) - expected) < 1e-12,
                 qPrintable(QString("got %1, expected %2").arg(s.at(step, 1000)).arg(expected)));
    }
    void monotoneInTheRightDirection() {
        for (ScheduleKind k : {ScheduleKind::Step, ScheduleKind::Linear, ScheduleKind::Exponential, ScheduleKind::Cosine}) {
            SparsitySchedule up{k, 0.1, 0.9, 5}, down{k, 0.9, 0.1, 5};
            for (int t = 1; t <= 100; ++t) {
                QVERIFY(up.at(t, 100) >= up.at(t - 1, 100));
                QVERIFY(down.at(t, 100) <= down.at(t - 1, 100));
            }
        }
    }
    void invalidParametersRejected() {
        auto problem = [](ScheduleKind k, double a, double b, int n) { return SparsitySchedule{k, a, b, n}.validate(); };
        QVERIFY(!problem(ScheduleKind::Linear, -0.1, 0.2, 4).empty());
        QVERIFY(!problem(ScheduleKind::Linear, 0.1, 1.5, 4).empty());
        QVERIFY(!problem(ScheduleKind::Linear, NAN, 0.5, 4).empty());
        QVERIFY(problem(ScheduleKind::Step, 0.1, 0.5, 0).find("segment") != std::string::npos);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SparsitySchedule::parseKind("quadratic"));
        QCOMPARE(int(SparsitySchedule::parseKind("exponential")), int(ScheduleKind::Exponential));
    }
};

QTEST_APPLESS_MAIN(TestSparsitySchedule)
#include "TestSparsitySchedule.moc"
