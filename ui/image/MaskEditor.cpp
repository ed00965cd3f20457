#include "ui/image/MaskEditor.h"

#include <QAction>
#include <QActionGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPixmap>
#include <QMouseEvent>
#include <QPainter>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <functional>

#include "ui/image/FlowLayout.h"
#include "ui/image/MaskCanvas.h"

namespace ms {

namespace {
constexpr int kDefaultMaskSide = 512;
}  // namespace

MaskEditor::MaskEditor(QWidget* parent) : QWidget(parent) {
    for (MaskDocument*& document : m_documents) {
        document = new MaskDocument(QSize(kDefaultMaskSide, kDefaultMaskSide), this);
        connect(document, &MaskDocument::edited, this, [this, document] { onEdited(document); });
        connect(document->undoStack(), &QUndoStack::canUndoChanged, this, &MaskEditor::updateUndoActions);
        connect(document->undoStack(), &QUndoStack::canRedoChanged, this, &MaskEditor::updateUndoActions);
    }
    m_document = m_documents[0];
    m_canvas = new MaskCanvas(this);
    auto* layout = new QVBoxLayout(this);
    buildToolRow();
    layout->addWidget(m_canvas, 1);
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("statusLabel"));
    m_statusLabel->setWordWrap(true);
    layout->addWidget(m_statusLabel);
    updateCoverage();
}

void MaskEditor::setLayer(MaskLayer layer) {
    MaskDocument* next = document(layer);
    if (next == m_document) return;
    m_document = next;
    {
        const QSignalBlocker block(m_layerCombo);
        m_layerCombo->setCurrentIndex(static_cast<int>(layer));
    }
    m_canvas->layerChanged();
    updateUndoActions();
    updateCoverage();
    Q_EMIT layerChanged(layer);
}

void MaskEditor::setTargetShapeAvailable(bool available) {
    m_layerLabel->setVisible(available);
    m_layerCombo->setVisible(available);
    if (!available) setLayer(MaskLayer::Inpaint);
}

void MaskEditor::updateUndoActions() {
    m_undoAction->setEnabled(m_document->undoStack()->canUndo());
    m_redoAction->setEnabled(m_document->undoStack()->canRedo());
}

void MaskEditor::setUndoShortcutsEnabled(bool enabled) {
    m_undoAction->setShortcut(enabled ? QKeySequence(Qt::CTRL | Qt::Key_Z) : QKeySequence());
    m_redoAction->setShortcut(enabled ? QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z) : QKeySequence());
}

QAction* MaskEditor::addShortcut(const QString& text, const QKeySequence& key, const QString& objectName) {
    auto* action = new QAction(text, this);
    action->setObjectName(objectName);
    if (!key.isEmpty()) {
        action->setShortcut(key);
        action->setToolTip(QStringLiteral("%1 (%2)").arg(text, key.toString(QKeySequence::NativeText)));
    }
    // Only while the editor has the focus: the main window keeps its own Ctrl+Z.
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(action);
    return action;
}

QToolButton* MaskEditor::addButton(QAction* action, const QString& objectName) {
    auto* button = new QToolButton(this);
    button->setObjectName(objectName);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    return button;
}

void MaskEditor::buildToolRow() {
    auto* layout = static_cast<QVBoxLayout*>(this->layout());
    // Rows that fold when the dock is narrow (a fixed row forced its 730 px on the window).
    auto* paintRow = new FlowLayout;
    auto* editRow = new FlowLayout;
    layout->addLayout(paintRow);
    layout->addLayout(editRow);

    m_layerLabel = new QLabel(tr("Layer"), this);
    m_layerCombo = new QComboBox(this);
    m_layerCombo->setObjectName(QStringLiteral("maskLayer"));
    m_layerCombo->addItem(tr("Inpaint region"));
    m_layerCombo->addItem(tr("Target shape"));
    m_layerCombo->setToolTip(tr("What the tools paint: the region Re-generate masked replaces (red), or the "
                                "shape Generate fills with a design (blue)"));
    connect(m_layerCombo, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this](int index) { setLayer(static_cast<MaskLayer>(index)); });
    paintRow->addWidget(m_layerLabel);
    paintRow->addWidget(m_layerCombo);
    m_layerLabel->hide();
    m_layerCombo->hide();

    m_brushAction = addShortcut(tr("Brush"), QKeySequence(Qt::Key_B), QStringLiteral("brushAction"));
    m_eraserAction = addShortcut(tr("Eraser"), QKeySequence(Qt::Key_E), QStringLiteral("eraserAction"));
    for (QAction* a : {m_brushAction, m_eraserAction}) a->setCheckable(true);
    m_brushAction->setChecked(true);
    auto* tools = new QActionGroup(this);
    tools->addAction(m_brushAction);
    tools->addAction(m_eraserAction);
    paintRow->addWidget(addButton(m_brushAction, QStringLiteral("brushButton")));
    paintRow->addWidget(addButton(m_eraserAction, QStringLiteral("eraserButton")));

    m_sizeSpin = new QSpinBox(this);
    m_sizeSpin->setObjectName(QStringLiteral("sizeSpin"));
    m_sizeSpin->setRange(1, 1024);
    m_sizeSpin->setValue(32);
    m_sizeSpin->setSuffix(tr(" px"));
    m_sizeSpin->setToolTip(tr("Brush size in image pixels ([ smaller, ] larger)"));
    paintRow->addWidget(new QLabel(tr("Size"), this));
    paintRow->addWidget(m_sizeSpin);
    connect(m_sizeSpin, qOverload<int>(&QSpinBox::valueChanged), m_canvas, qOverload<>(&QWidget::update));
    auto* smaller =
        addShortcut(tr("Smaller brush"), QKeySequence(Qt::Key_BracketLeft), QStringLiteral("smallerAction"));
    auto* larger = addShortcut(tr("Larger brush"), QKeySequence(Qt::Key_BracketRight), QStringLiteral("largerAction"));
    connect(smaller, &QAction::triggered, this,
            [this] { setBrushSize(std::max(1, static_cast<int>(std::lround(brushSize() / 1.25)))); });
    connect(larger, &QAction::triggered, this,
            [this] { setBrushSize(std::max(brushSize() + 1, static_cast<int>(std::lround(brushSize() * 1.25)))); });

    m_hardnessSlider = new QSlider(Qt::Horizontal, this);
    m_hardnessSlider->setObjectName(QStringLiteral("hardnessSlider"));
    m_hardnessSlider->setRange(0, 100);
    m_hardnessSlider->setValue(80);
    m_hardnessSlider->setMaximumWidth(120);
    m_hardnessSlider->setToolTip(tr("Brush hardness: 0 fades from the centre, 100 is a hard edge"));
    paintRow->addWidget(new QLabel(tr("Hardness"), this));
    paintRow->addWidget(m_hardnessSlider);

    m_undoAction = addShortcut(tr("Undo"), QKeySequence(Qt::CTRL | Qt::Key_Z), QStringLiteral("undoAction"));
    m_redoAction =
        addShortcut(tr("Redo"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QStringLiteral("redoAction"));
    m_undoAction->setEnabled(false);
    m_redoAction->setEnabled(false);
    connect(m_undoAction, &QAction::triggered, this, [this] { m_document->undoStack()->undo(); });
    connect(m_redoAction, &QAction::triggered, this, [this] { m_document->undoStack()->redo(); });

    paintRow->addWidget(addButton(m_undoAction, QStringLiteral("undoButton")));
    paintRow->addWidget(addButton(m_redoAction, QStringLiteral("redoButton")));

    m_liveCheck = new QCheckBox(tr("Live"), this);
    m_liveCheck->setObjectName(QStringLiteral("liveCheck"));
    m_liveCheck->setToolTip(tr("Regenerate the masked region after every edit"));
    paintRow->addWidget(m_liveCheck);
    auto* overlay = addShortcut(tr("Show overlay"), {}, QStringLiteral("overlayAction"));
    overlay->setCheckable(true);
    overlay->setChecked(true);
    m_overlayButton = addButton(overlay, QStringLiteral("overlayButton"));
    connect(overlay, &QAction::toggled, m_canvas, qOverload<>(&QWidget::update));
    // Its menu: the opacity of both layers and the colour of the one being edited.
    auto* overlayMenu = new QMenu(m_overlayButton);
    overlayMenu->setObjectName(QStringLiteral("overlayMenu"));
    auto* opacities = new QActionGroup(overlayMenu);
    for (const int percent : {25, 45, 65, 85, 100}) {
        QAction* a = overlayMenu->addAction(tr("Opacity %1 %").arg(percent));
        a->setCheckable(true);
        a->setChecked(percent == 45);
        a->setData(percent);
        opacities->addAction(a);
        connect(a, &QAction::triggered, this, [this, percent] { setOverlayOpacity(percent / 100.0); });
    }
    overlayMenu->addSeparator();
    const struct {
        QString name;
        QColor color;
    } colours[] = {{tr("Red"), QColor(255, 0, 0)},       {tr("Blue"), QColor(40, 110, 255)}, {tr("Green"), QColor(0, 200, 80)},
                   {tr("Yellow"), QColor(255, 220, 0)},  {tr("Magenta"), QColor(230, 0, 230)}, {tr("White"), QColor(255, 255, 255)}};
    for (const auto& c : colours) {
        QPixmap swatch(12, 12);
        swatch.fill(c.color);
        QAction* a = overlayMenu->addAction(QIcon(swatch), tr("%1 for this layer").arg(c.name));
        a->setData(c.color);
        connect(a, &QAction::triggered, this, [this, color = c.color] { setOverlayColor(layer(), color); });
    }
    m_overlayButton->setMenu(overlayMenu);
    m_overlayButton->setPopupMode(QToolButton::MenuButtonPopup);
    paintRow->addWidget(m_overlayButton);
    m_zoomButton = new QToolButton(this);
    m_zoomButton->setObjectName(QStringLiteral("zoomButton"));
    m_zoomButton->setText(QStringLiteral("100 %"));
    m_zoomButton->setToolTip(tr("The view's zoom (wheel on the image; middle button pans). Click to fit (Home)."));
    connect(m_zoomButton, &QToolButton::clicked, this, &MaskEditor::fitView);
    connect(m_canvas, &MaskCanvas::viewChanged, this,
            [this](double zoom) { m_zoomButton->setText(QStringLiteral("%1 %").arg(std::lround(zoom * 100.0))); });
    paintRow->addWidget(m_zoomButton);

    m_amountSpin = new QSpinBox(this);
    m_amountSpin->setObjectName(QStringLiteral("amountSpin"));
    m_amountSpin->setRange(1, 256);
    m_amountSpin->setValue(4);
    m_amountSpin->setSuffix(tr(" px"));
    m_amountSpin->setToolTip(tr("Pixels for Grow, Shrink and Feather"));
    editRow->addWidget(new QLabel(tr("Amount"), this));
    editRow->addWidget(m_amountSpin);
    struct Operation {
        QString text, objectName, tip;
        std::function<void()> run;
    };
    const Operation operations[] = {
        {tr("Grow"), QStringLiteral("growButton"), tr("Dilate the mask by Amount pixels"),
         [this] { m_document->grow(amount()); }},
        {tr("Shrink"), QStringLiteral("shrinkButton"), tr("Erode the mask by Amount pixels"),
         [this] { m_document->shrink(amount()); }},
        {tr("Feather"), QStringLiteral("featherButton"), tr("Soften the mask's edges over about Amount pixels"),
         [this] { m_document->feather(amount()); }},
        {tr("Invert"), QStringLiteral("invertButton"), tr("Swap the regions to keep and to regenerate"),
         [this] { m_document->invert(); }},
        {tr("Clear"), QStringLiteral("clearButton"), tr("Keep everything (empty mask)"),
         [this] { m_document->clear(); }},
    };
    for (const Operation& op : operations) {
        auto* action = new QAction(op.text, this);
        action->setToolTip(op.tip);
        connect(action, &QAction::triggered, this, op.run);
        editRow->addWidget(addButton(action, op.objectName));
    }

    auto* load = new QAction(tr("Load mask…"), this);
    load->setToolTip(tr("Load a mask image (scaled to this image's size when it differs)"));
    connect(load, &QAction::triggered, this, &MaskEditor::chooseAndLoadMask);
    editRow->addWidget(addButton(load, QStringLiteral("loadButton")));
    auto* save = new QAction(tr("Save mask…"), this);
    save->setToolTip(tr("Save the mask as an 8-bit grayscale PNG"));
    connect(save, &QAction::triggered, this, &MaskEditor::chooseAndSaveMask);
    editRow->addWidget(addButton(save, QStringLiteral("saveButton")));
    m_coverageLabel = new QLabel(this);
    m_coverageLabel->setObjectName(QStringLiteral("coverageLabel"));
    editRow->addWidget(m_coverageLabel);
}

void MaskEditor::setBaseImage(const QImage& image) {
    m_baseImage = image;
    if (!image.isNull())
        for (MaskDocument* document : m_documents) document->setSize(image.size());
    m_canvas->baseImageChanged();
    updateCoverage();
}

void MaskEditor::setHeatOverlay(const QImage& overlay) {
    m_heatOverlay = overlay;
    m_canvas->update();
}

MaskTool MaskEditor::tool() const { return m_eraserAction->isChecked() ? MaskTool::Eraser : MaskTool::Brush; }
void MaskEditor::setTool(MaskTool tool) {
    (tool == MaskTool::Brush ? m_brushAction : m_eraserAction)->setChecked(true);
}

int MaskEditor::brushSize() const { return m_sizeSpin->value(); }
void MaskEditor::setBrushSize(int pixels) { m_sizeSpin->setValue(pixels); }
double MaskEditor::hardness() const { return m_hardnessSlider->value() / 100.0; }
void MaskEditor::setHardness(double hardness) {
    m_hardnessSlider->setValue(static_cast<int>(std::lround(std::clamp(hardness, 0.0, 1.0) * 100.0)));
}
int MaskEditor::amount() const { return m_amountSpin->value(); }
void MaskEditor::setAmount(int pixels) { m_amountSpin->setValue(pixels); }
bool MaskEditor::isLive() const { return m_liveCheck->isChecked(); }
void MaskEditor::setLive(bool live) { m_liveCheck->setChecked(live); }
bool MaskEditor::isOverlayShown() const { return m_overlayButton->defaultAction()->isChecked(); }
void MaskEditor::setOverlayShown(bool shown) { m_overlayButton->defaultAction()->setChecked(shown); }

void MaskEditor::setOverlayColor(MaskLayer layer, const QColor& color) {
    m_overlayColors[static_cast<int>(layer)] = color;
    m_canvas->overlayChanged();
}

void MaskEditor::setOverlayOpacity(double opacity) {
    m_overlayOpacity = std::clamp(opacity, 0.1, 1.0);
    m_canvas->overlayChanged();
}

double MaskEditor::zoom() const { return m_canvas->zoom(); }
void MaskEditor::fitView() { m_canvas->fitView(); }

QWidget* MaskEditor::canvas() const { return m_canvas; }
QPointF MaskEditor::imageToCanvas(QPointF imagePoint) const { return m_canvas->toCanvas(imagePoint); }
QPointF MaskEditor::canvasToImage(QPointF canvasPoint) const { return m_canvas->toImage(canvasPoint); }

void MaskEditor::onEdited(MaskDocument* document) {
    if (document == m_document) updateCoverage();
    const QImage& mask = document->mask();
    if (document == m_documents[static_cast<int>(MaskLayer::TargetShape)]) {
        Q_EMIT targetShapeEdited(mask);
        return;
    }
    Q_EMIT maskEdited(mask);
    if (isLive()) Q_EMIT liveRegenerateRequested(mask);
}

void MaskEditor::updateCoverage() {
    const QString what = layer() == MaskLayer::Inpaint ? tr("Mask") : tr("Target shape");
    m_coverageLabel->setText(tr("%1: %2 %").arg(what).arg(100.0 * m_document->coverage(), 0, 'f', 1));
}

void MaskEditor::showStatus(const QString& message, bool isError) {
    m_statusLabel->setText(message);
    m_statusLabel->setStyleSheet(isError ? QStringLiteral("color: #d04040;") : QString());
    Q_EMIT statusMessage(message);
}

MaskFileResult MaskEditor::loadMask(const QString& path) {
    MaskFileResult result = m_document->load(path);
    if (!result.ok())
        showStatus(result.error, true);
    else if (!result.warning.isEmpty())
        showStatus(result.warning, false);
    else
        showStatus(tr("Loaded the mask \"%1\".").arg(QFileInfo(path).fileName()), false);
    return result;
}

MaskFileResult MaskEditor::saveMask(const QString& path) {
    MaskFileResult result = m_document->save(path);
    if (!result.ok())
        showStatus(result.error, true);
    else
        showStatus(tr("Saved the mask to \"%1\".").arg(QFileInfo(path).fileName()), false);
    return result;
}

void MaskEditor::chooseAndLoadMask() {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Load mask"), m_lastFolder,
                                     tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp *.pgm);;All files (*)"));
    if (path.isEmpty()) return;
    m_lastFolder = QFileInfo(path).absolutePath();
    const MaskFileResult result = loadMask(path);
    if (!result.ok()) QMessageBox::warning(this, tr("Load mask"), result.error);
}

void MaskEditor::chooseAndSaveMask() {
    QString path = QFileDialog::getSaveFileName(this, tr("Save mask"), m_lastFolder, tr("PNG images (*.png)"));
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".png");
    m_lastFolder = QFileInfo(path).absolutePath();
    const MaskFileResult result = saveMask(path);
    if (!result.ok()) QMessageBox::warning(this, tr("Save mask"), result.error);
}

}  // namespace ms
