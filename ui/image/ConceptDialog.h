#pragma once
// "Learn a concept from an image…": one picture of the user's own product, the region it
// occupies (painted with the mask editor's tools or loaded as a PNG), a name; MCGM's two stages
// run in the background (ConceptEngine) with progress and a preview every N steps; Cancel keeps
// a usable model (the concept as learnt so far). The model with the concept is written beside
// the open one (in the studio's data folder for a built-in model or a read-only folder): the open
// model is never overwritten, the installed models stay as they are. conceptLearnt then lets the
// Image dock open it with the concept ticked and generate with it.
#include <QDialog>
#include <QImage>
#include <QStringList>

#include "ui/workers/ConceptEngine.h"

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace ms {

class MaskEditor;

struct ConceptModel {  // the open image model, as the dialog needs it
    QString path;
    int size = 0, channels = 1;
    QStringList taken;         // its conditions and concepts: names a new concept cannot have
    QString trainingData;      // its training images, when still there (prior preservation)
};

class ConceptDialog : public QDialog {
    Q_OBJECT
public:
    explicit ConceptDialog(QWidget* parent = nullptr);
    void setModel(const ConceptModel& model);

    bool setPicture(const QString& path);  // false (and a message) when unreadable
    bool regionFromPicture();  // the region = what is drawn in the picture, grown a little; false when nothing is
    void setConceptName(const QString& name);
    void setSteps(int stage1, int stage2, int previewEvery);
    void setPriorImages(const QString& folderOrPack);  // empty: no prior preservation
    void setOutputPath(const QString& path);
    QString outputPath() const;
    MaskEditor* maskEditor() const { return m_editor; }
    // Checks the inputs and starts; false with the reason in status().
    bool learn();
    void cancel() { m_engine->cancel(); }
    bool running() const { return m_engine->isRunning(); }
    QString status() const;
    const QImage& lastPreview() const { return m_lastPreview; }
    ConceptEngine* engine() const { return m_engine; }

Q_SIGNALS:
    void conceptLearnt(const QString& modelPath, const QString& concept);

private:
    QString suggestedOutput() const;
    void setRunning(bool running);
    void say(const QString& text);

    ConceptEngine* m_engine;
    ConceptModel m_model;
    QImage m_picture;
    QImage m_lastPreview;
    bool m_outputEdited = false;

    QLabel* m_modelLabel;
    QLineEdit *m_picturePath, *m_name, *m_prior, *m_output;
    MaskEditor* m_editor;
    QSpinBox *m_stage1, *m_stage2, *m_previewEvery;
    QPushButton *m_learn, *m_cancel;
    QProgressBar* m_progress;
    QLabel* m_preview;
    QLabel* m_status;
};

}  // namespace ms
