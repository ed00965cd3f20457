// The studio window's exports (offscreen): the file's extension follows the format chosen, File >
// Export designs as CSV (Ctrl+E, the dialog answered from the keyboard) writes training data the
// training reader takes back, and the CSV / SVG / DXF / PNG exports parse back to the generated
// numbers.
#include <QtTest/QtTest>

#include <QCheckBox>
#include <QFileDialog>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTimer>

#include <cmath>
#include <vector>

#include "core/data/CsvReader.h"
#include "core/data/DesignTableBuilder.h"
#include "ui/canvas/DesignCanvas.h"
#include "ui/panels/ConditionPanel.h"
#include "ui/panels/SamplingPanel.h"
#include "ui/window/MainWindow.h"
#include "MainWindowTestSupport.h"

using namespace ms;
using ms::testing::near;
using ms::testing::startOnBike;
using ms::testing::waitForDesigns;

class TestMainWindowExports : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void exportExtensionFollowsTheFormat() {
        // Issue 18, bug 8: "DXF" chosen under a .svg name used to write DXF into a.svg.
        QCOMPARE(exportPathFor("/t/a.svg", ExportFormat::Dxf), QStringLiteral("/t/a.dxf"));
        QCOMPARE(exportPathFor("/t/a.png", ExportFormat::Svg), QStringLiteral("/t/a.svg"));
        QCOMPARE(exportPathFor("/t/a", ExportFormat::Dxf), QStringLiteral("/t/a.dxf"));
        QCOMPARE(exportPathFor("/t/a.DXF", ExportFormat::Dxf), QStringLiteral("/t/a.DXF"));
        QCOMPARE(exportPathFor("/t/frame.v2", ExportFormat::Csv), QStringLiteral("/t/frame.v2.csv"));
        QCOMPARE(exportPathFor("/t/my.bike.csv", ExportFormat::Png), QStringLiteral("/t/my.bike.png"));
    }

    // File > Export designs as CSV (Ctrl+E, the file dialog answered from the keyboard) writes
    // training data: every column of the model's schema, the conditions set included, which the
    // training reader takes back.
    void exportedCsvIsTrainingData() {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::designsShown);
        QVERIFY(startOnBike(w, shown, true));
        const Schema schema = w.currentModel()->schema;
        const int style = 0;  // BikeStyle
        QCheckBox* known = w.conditionPanel()->switchAt(style);
        QTest::mouseClick(known, Qt::LeftButton, {}, QPoint(8, known->height() / 2));  // on the box, not the empty space right of the label
        waitForDesigns(w, shown, 2);
        QCOMPARE(w.lastOutput()->request.conditions.categorical[style], 0);

        const QString path = m_dir.filePath("exported-bike.csv");
        bool answered = false;
        QTimer::singleShot(200, [&] {
            auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
            if (!dialog) return;
            auto* name = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
            if (!name) return;
            name->selectAll();
            QTest::keyClicks(name, path);
            QTest::keyClick(name, Qt::Key_Return);
            answered = true;
        });
        QTest::keyClick(&w, Qt::Key_E, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(answered, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(path), 10000);

        const CsvTable csv = readCsvFile(path.toStdString());
        QCOMPARE(csv.header.size(), schema.outputDim() + schema.conditionCount());
        const DesignTable back = buildDesignTable(csv, schema);  // what `train` reads
        const GenerationOutput& out = *w.lastOutput();
        QCOMPARE(back.rows, out.designs.size());
        for (std::size_t r = 0; r < back.rows; ++r) {
            QCOMPARE(back.category(r, style), 0);
            for (std::size_t c = 0; c < back.categoricalCount; ++c)
                QCOMPARE(back.category(r, c), out.request.conditions.categorical[c]);
        }
    }

    void exportsParseBackToTheSameNumbers() {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::designsShown);
        QVERIFY(startOnBike(w, shown, true));
        w.samplingPanel()->samplesBox()->setValue(3);
        QTRY_VERIFY_WITH_TIMEOUT(w.lastOutput()->designs.size() == 3, 20000);
        const GenerationOutput out = *w.lastOutput();

        const QString csv = m_dir.filePath("d.csv"), svg = m_dir.filePath("d.svg"), dxf = m_dir.filePath("d.dxf"),
                      png = m_dir.filePath("d.png");
        QVERIFY(w.exportTo(csv, ExportFormat::Csv));
        QVERIFY(w.exportTo(svg, ExportFormat::Svg));
        QVERIFY(w.exportTo(dxf, ExportFormat::Dxf));
        QVERIFY(w.exportTo(png, ExportFormat::Png));

        const CsvTable table = readCsvFile(csv.toStdString());
        QCOMPARE(table.rows.size(), size_t(3));
        for (size_t r = 0; r < 3; ++r)
            for (size_t d = 0; d < out.designs[r].size(); ++d)
                QCOMPARE(std::stod(table.rows[r][d]), out.designs[r][d]);  // exact round trip

        std::vector<double> radii;
        for (const Drawing& d : out.drawings)
            for (const Circle& c : d.circles) radii.push_back(std::abs(c.radius));

        QFile s(svg);
        QVERIFY(s.open(QIODevice::ReadOnly));
        const QString svgText = s.readAll();
        std::vector<double> svgRadii;
        for (const auto& m : QRegularExpression("<circle [^>]* r=\"([-0-9.e]+)\"").globalMatch(svgText))
            svgRadii.push_back(m.captured(1).toDouble());
        QCOMPARE(svgRadii.size(), radii.size());
        for (size_t i = 0; i < radii.size(); ++i) QVERIFY(near(svgRadii[i], radii[i]));

        QFile x(dxf);
        QVERIFY(x.open(QIODevice::ReadOnly));
        const QStringList lines = QString(x.readAll()).split('\n');
        std::vector<double> dxfRadii;
        for (int i = 0; i + 1 < lines.size(); ++i)
            if (lines[i].trimmed() == "CIRCLE")
                for (int j = i + 1; j + 1 < lines.size() && lines[j].trimmed() != "0"; j += 2)
                    if (lines[j].trimmed() == "40") dxfRadii.push_back(lines[j + 1].trimmed().toDouble());
        QCOMPARE(dxfRadii.size(), radii.size());
        for (size_t i = 0; i < radii.size(); ++i) QVERIFY(near(dxfRadii[i], radii[i]));

        const QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= w.canvas()->width());
    }
};

QTEST_MAIN(TestMainWindowExports)
#include "TestMainWindowExports.moc"
