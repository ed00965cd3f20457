// The engine workers' shared thread budget: a worker's intra-op threads are the cores divided
// among the busy workers, follow changes between steps, and come back when its job ends.
#include <QtTest/QtTest>

#include <QProcess>

#include <ATen/ATen.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/runtime/ThreadBudget.h"

using namespace ms;

namespace {
// A second worker that holds a lease until told to let go.
class BusyWorker {
public:
    explicit BusyWorker(ThreadBudget& budget) : m_thread([this, &budget] {
        const ThreadBudget::Lease lease(budget);
        std::unique_lock<std::mutex> lock(m_mutex);
        m_started = true;
        m_cv.notify_all();
        m_cv.wait(lock, [this] { return m_release; });
    }) {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_cv.wait(lock, [this] { return m_started; });
    }
    ~BusyWorker() { release(); }
    void release() {
        {
            const std::lock_guard<std::mutex> lock(m_mutex);
            m_release = true;
        }
        m_cv.notify_all();
        if (m_thread.joinable()) m_thread.join();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_started = false, m_release = false;
    std::thread m_thread;
};
}  // namespace

class TestThreadBudget : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sharesFollowBusyWorkers() {
        ThreadBudget budget(4);
        budget.setOthersBusyCores(0.0);  // this machine's other load aside
        QCOMPARE(budget.share(), 4);
        const int before = currentIntraOpThreads();
        {
            const ThreadBudget::Lease lease(budget);
            QCOMPARE(budget.busyWorkers(), 1);
            QCOMPARE(currentIntraOpThreads(), 4);
            {
                BusyWorker other(budget);
                QCOMPARE(budget.busyWorkers(), 2);
                QCOMPARE(currentIntraOpThreads(), 4);  // until this thread's next step
                followThreadShare();
                QCOMPARE(currentIntraOpThreads(), 2);
                BusyWorker third(budget);
                followThreadShare();
                QCOMPARE(currentIntraOpThreads(), 1);  // 4 / 3, rounded down
            }
            followThreadShare();
            QCOMPARE(currentIntraOpThreads(), 4);  // the others are done: all cores again
            {
                const ThreadBudget::Lease nested(budget);  // a job inside a job counts once
                QCOMPARE(budget.busyWorkers(), 1);
            }
            QCOMPARE(budget.busyWorkers(), 1);
        }
        QCOMPARE(budget.busyWorkers(), 0);
        QCOMPARE(currentIntraOpThreads(), before);  // the thread's own count is back
        followThreadShare();                        // no lease: nothing changes
        QCOMPARE(currentIntraOpThreads(), before);
    }

    void parallelOpsUseTheShare() {
        // What ATen's parallel ops see on this thread is the share, not the process default.
        ThreadBudget budget(2);
        budget.setOthersBusyCores(0.0);  // this machine's other load aside
        const ThreadBudget::Lease lease(budget);
        BusyWorker other(budget);
        followThreadShare();
        QCOMPARE(at::get_num_threads(), 1);
        std::atomic<int> highestThread{0};
        at::parallel_for(0, 1 << 16, 1, [&](int64_t, int64_t) {
            int seen = highestThread.load();
            while (at::get_thread_num() > seen && !highestThread.compare_exchange_weak(seen, at::get_thread_num())) {
            }
        });
        QCOMPARE(highestThread.load(), 0);  // one thread did every chunk
    }

    void coresOtherProcessesUse() {
        // Another process keeping one core busy takes that core out of the budget; work of this
        // process itself does not.
        ThreadBudget budget(2);
        QProcess spinner;
        spinner.start("sh", {"-c", "while :; do :; done"});
        QVERIFY(spinner.waitForStarted());
        QTest::qWait(300);
        QVERIFY(budget.othersBusyCores() >= 0.0);  // the first measurement: a short window
        QTest::qWait(700);
        const double withSpinner = budget.othersBusyCores();
        spinner.kill();
        spinner.waitForFinished();
        QVERIFY2(withSpinner > 0.5, qPrintable(QString::number(withSpinner)));
        if (QThread::idealThreadCount() == 2) {
            const ThreadBudget::Lease lease(budget);
            budget.setOthersBusyCores(withSpinner);
            QCOMPARE(budget.share(), 1);
            budget.setOthersBusyCores(-1.0);
        }

        std::atomic<bool> stop{false};
        std::thread ownWork([&] {
            volatile double x = 0;
            while (!stop.load()) x = x + 1.0;
        });
        QTest::qWait(700);
        budget.othersBusyCores();
        QTest::qWait(700);
        const double withOwnWork = budget.othersBusyCores();
        stop = true;
        ownWork.join();
        QVERIFY2(withOwnWork < 0.5, qPrintable(QString::number(withOwnWork)));
    }

    void aCappedWorker() {
        ThreadBudget budget(4);
        budget.setOthersBusyCores(0.0);
        {
            const ThreadBudget::Lease capped(budget, 1);
            QCOMPARE(currentIntraOpThreads(), 1);
            {
                const ThreadBudget::Lease inner(budget);  // uncapped inside: the share
                QCOMPARE(currentIntraOpThreads(), 4);
            }
            followThreadShare();
            QCOMPARE(currentIntraOpThreads(), 1);  // the outer cap again
            QCOMPARE(budget.busyWorkers(), 1);
        }
        QCOMPARE(budget.busyWorkers(), 0);
    }

    void atLeastOneThread() {
        ThreadBudget budget(1);
        budget.setOthersBusyCores(0.0);  // this machine's other load aside
        const ThreadBudget::Lease lease(budget);
        BusyWorker a(budget), b(budget);
        followThreadShare();
        QCOMPARE(budget.share(), 1);
        QCOMPARE(currentIntraOpThreads(), 1);
    }
};

QTEST_GUILESS_MAIN(TestThreadBudget)
#include "TestThreadBudget.moc"
