#pragma once
// Learns a concept from a picture into an image model on its own thread (through the torch-free
// api::learnConcept, MCGM's two stages): progress per step with a preview every N steps, cancel
// (the model is saved with the concept as learnt so far), errors as messages. The pretraining
// images for prior preservation, when given, are read on that thread too.
#include <QImage>
#include <QObject>
#include <QString>

#include "api/ConceptLearning.h"
#include "ui/workers/EngineWorker.h"

namespace ms {

class ConceptEngine : public EngineWorker {
    Q_OBJECT
public:
    explicit ConceptEngine(QObject* parent = nullptr);
    ~ConceptEngine() override;  // cancels a running job, then joins
    // request.prior is ignored: priorImages (an image folder with its conditions.csv, or a
    // .mspack; empty: none) is read on the engine thread. False when a job is already running.
    bool start(api::ConceptRequest request, const QString& priorImages);

Q_SIGNALS:
    void progress(int stage, int step, int steps, double loss, double seconds, const QImage& preview);
    // cancelled: the model was saved with the concept as learnt so far
    void finished(const QString& modelPath, const QString& concept, bool cancelled, const QString& summary);
};

}  // namespace ms
