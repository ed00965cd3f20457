#pragma once
// Does a learnt concept come back in new shapes? For a model with a concept learnt from one
// image of an image set (image concept): `count` images generated with the concept on, every
// condition left open, each in the silhouette of another held-out design as its target shape;
// the same seeds and shapes without the concept, and with the image's own conditions asked for
// instead of it, for comparison. The controllability classifier (trained on the model's real
// training images) names each image's categorical conditions; the score of a condition is how
// often it names the concept image's own class. Also the IoU of each image's silhouette with its
// shape.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/ImageSet.h"

namespace ms::api {

struct ConceptEvalRequest {
    std::string modelPath;
    std::string concept;       // its name in the model
    std::string conceptFile;   // the image set's file the concept was learnt from (its true conditions)
    int64_t count = 32;        // generations, each with another held-out design's silhouette
    std::string sampler = "ddim";
    int64_t steps = 20;
    double guidance = 1.0;
    uint64_t seed = 0;
    int64_t classifierEpochs = 8;
    std::string device = "auto";
};

struct ConceptEvalReport {
    std::vector<std::string> conditions;     // the categorical conditions
    std::vector<std::string> conceptClasses; // the concept image's class of each
    std::vector<double> withConcept;         // per condition: share of generations classified as the concept's class
    std::vector<double> withoutConcept;      // the same seeds and shapes without it (what chance and the shapes give)
    std::vector<double> byConditions;        // without it but the image's own conditions asked for: what the model's
                                             // controllability allows in these shapes (the ceiling a concept is read against)
    double iouWith = 0.0, iouWithout = 0.0;  // silhouette vs target shape
    int64_t count = 0;
    double seconds = 0.0;
    std::string device;
};

ConceptEvalReport evaluateConcept(const ImageSet& images, const ConceptEvalRequest& request);

}  // namespace ms::api
