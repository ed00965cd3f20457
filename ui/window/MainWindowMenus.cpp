#include "ui/window/MainWindow.h"
// The studio window's menus and toolbar: File (open, train, rename, exports, quit), Edit (one
// Undo/Redo for the window whose stack follows the focus between the conditions and the mask
// editor, copy/paste, condition shortcuts, pins, design SFARM), View (fit, spread, CAD aids,
// docks, theme), Help.

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QToolBar>
#include <QUndoGroup>
#include <QUndoStack>

#include "ui/canvas/DesignCanvas.h"
#include "ui/image/ImagePanel.h"
#include "ui/image/MaskDocument.h"
#include "ui/image/MaskEditor.h"
#include "ui/panels/ConditionPanel.h"

namespace ms {

void MainWindow::buildActions() {
    QAction* open = buildFileMenu();
    const auto [undo, redo] = buildEditMenu();
    buildViewMenu();
    buildHelpMenu();

    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolbar"));
    bar->addWidget(new QLabel(tr(" Model "), bar));
    bar->addWidget(m_modelBox);
    bar->addAction(open);
    bar->addSeparator();
    bar->addAction(undo);
    bar->addAction(redo);
}

QAction* MainWindow::buildFileMenu() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open model…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open model"), QString(), tr("Maskstudio models (*.msm *.mpd)"));
        if (!path.isEmpty()) openModel(path);
    });
    open->setShortcut(QKeySequence::Open);
    file->addAction(tr("&Train a model…"), this, &MainWindow::showTrainingDock)->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    QAction* rename = file->addAction(tr("Re&name model…"), this, &MainWindow::renameCurrentModel);
    rename->setObjectName(QStringLiteral("renameModelAction"));
    rename->setToolTip(tr("What the model switcher calls the current model (kept for this model file)"));
    file->addAction(tr("Open &image model…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open image model"), QString(), tr("Image models (*.msi *.mpd)"));
        if (!path.isEmpty()) openImageModel(path);
    });
    file->addSeparator();
    const struct {
        QString text;
        ExportFormat format;
        QKeySequence key;
    } exports[] = {{tr("Export designs as &CSV…"), ExportFormat::Csv, QKeySequence(Qt::CTRL | Qt::Key_E)},
                   {tr("Export designs as &SVG…"), ExportFormat::Svg, {}},
                   {tr("Export designs as &DXF (CAD)…"), ExportFormat::Dxf, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E)},
                   {tr("Export canvas as &PNG…"), ExportFormat::Png, {}}};
    for (const auto& e : exports) {
        QAction* a = file->addAction(e.text, this, [this, f = e.format] { exportWithDialog(f); });
        a->setShortcut(e.key);
    }
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    return open;
}

std::pair<QAction*, QAction*> MainWindow::buildEditMenu() {
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    // One Undo/Redo for the window: the condition edits, or the mask when the mask editor was
    // the last of the two to have the focus (a QUndoGroup whose active stack follows the focus
    // into the editor, the conditions or the canvas; a button clicked elsewhere, such as
    // "Re-generate masked" after a stroke, leaves Undo on what was just edited).
    // Each model has its own condition history (ConditionPanel keeps one per model file).
    auto* undoGroup = new QUndoGroup(this);
    undoGroup->addStack(m_conditions->undoStack());
    MaskEditor* maskEditor = m_imagePanel->maskEditor();
    for (MaskLayer layer : {MaskLayer::Inpaint, MaskLayer::TargetShape}) undoGroup->addStack(maskEditor->document(layer)->undoStack());
    undoGroup->setActiveStack(m_conditions->undoStack());
    const auto isMaskStack = [maskEditor](QUndoStack* stack) {
        return stack == maskEditor->document(MaskLayer::Inpaint)->undoStack() || stack == maskEditor->document(MaskLayer::TargetShape)->undoStack();
    };
    connect(m_conditions, &ConditionPanel::undoStackChanged, this, [undoGroup, isMaskStack](QUndoStack* stack) {
        if (!undoGroup->stacks().contains(stack)) undoGroup->addStack(stack);
        if (!isMaskStack(undoGroup->activeStack())) undoGroup->setActiveStack(stack);
    });
    maskEditor->setUndoShortcutsEnabled(false);
    connect(qApp, &QApplication::focusChanged, this, [this, undoGroup, maskEditor](QWidget*, QWidget* now) {
        if (!now) return;
        const auto within = [now](QWidget* area) { return area == now || area->isAncestorOf(now); };
        if (within(maskEditor))
            undoGroup->setActiveStack(maskEditor->document()->undoStack());
        else if (within(m_conditions) || within(m_canvas))
            undoGroup->setActiveStack(m_conditions->undoStack());
    });
    connect(maskEditor, &MaskEditor::layerChanged, this, [undoGroup, maskEditor, isMaskStack] {
        if (isMaskStack(undoGroup->activeStack()))
            undoGroup->setActiveStack(maskEditor->document()->undoStack());  // the layer now being edited
    });
    QAction* undo = undoGroup->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = undoGroup->createRedoAction(this, tr("&Redo"));
    // The platform's Redo keys plus Ctrl+Shift+Z and Ctrl+Y, each once: on X11 the platform's Redo
    // IS Ctrl+Shift+Z, and a key listed twice is an "ambiguous shortcut" that Qt never fires.
    QList<QKeySequence> redoKeys = QKeySequence::keyBindings(QKeySequence::Redo);
    for (const QKeySequence& k : {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)})
        if (!redoKeys.contains(k)) redoKeys << k;
    redo->setShortcuts(redoKeys);
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    edit->addAction(tr("&Copy conditions"), this, &MainWindow::copyConditions)->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    edit->addAction(tr("&Paste conditions"), this, [this] { pasteConditions(QApplication::clipboard()->text()); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
    edit->addSeparator();
    edit->addAction(tr("All conditions &unknown"), m_conditions, &ConditionPanel::setAllUnknown)->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_U));
    edit->addAction(tr("&Random conditions"), this, [this] { m_conditions->randomize(static_cast<quint64>(m_clock.nsecsElapsed())); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    edit->addAction(tr("Re&set conditions"), m_conditions, &ConditionPanel::reset);
    edit->addSeparator();
    edit->addAction(tr("Specify &next condition"), m_conditions, &ConditionPanel::specifyNext)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    edit->addAction(tr("Release all &pins"), this, &MainWindow::clearPins)->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_trainSfarm = edit->addAction(tr("&Train design SFARM for this model"), this, [this] { trainDesignSfarm(); });
    m_trainSfarm->setToolTip(tr("Learn the model's training designs as one partially observed vector (in the background, about "
                                "half a minute for 3,000 designs), so keypoints can be pinned and \"Specify next\" ranks the "
                                "conditions. Models trained in the Training dock get one automatically."));
    m_trainSfarm->setEnabled(false);

    return {undo, redo};
}

void MainWindow::buildViewMenu() {
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Fit design"), m_canvas, &DesignCanvas::fitView)->setShortcut(QKeySequence(Qt::Key_F));
    QAction* spread = view->addAction(tr("Keypoint &spread"), m_canvas, &DesignCanvas::setSpreadVisible);
    spread->setCheckable(true);
    spread->setChecked(m_canvas->spreadVisible());
    spread->setToolTip(tr("Shade where each keypoint lies over 16 samples (2 standard deviations)"));
    view->addSeparator();
    buildCadMenu(view);
    view->addSeparator();
    for (QDockWidget* dock : findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());
    view->addSeparator();
    QMenu* theme = view->addMenu(tr("&Theme"));
    m_themeGroup = new QActionGroup(this);
    for (const QString& name : {QStringLiteral("system"), QStringLiteral("light"), QStringLiteral("dark")}) {
        QAction* a = theme->addAction(name == QLatin1String("system") ? tr("Follow the system") : name == QLatin1String("light") ? tr("Light") : tr("Dark"));
        a->setCheckable(true);
        a->setData(name);
        m_themeGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, name] { applyTheme(name); });
    }
}

void MainWindow::buildHelpMenu() {
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Maskstudio"), this, [this] {
        QMessageBox::about(this, tr("About Maskstudio"),
                           tr("<b>Maskstudio %1</b><br>Design exploration with masked-conditioning generative models.<br>"
                              "Switch conditions on and off, edit them, and watch the design follow.")
                               .arg(QApplication::applicationVersion()));
    });
}

}  // namespace ms
