#pragma once
// The ensemble-inference settings of any completion request of the api (internal to api): a
// PartialCompletion of the studio, a PartialImputeRequest of the CLI; anything with members,
// steps, seed and an omega schedule written as text.
#include "partial/EnsembleInference.h"

namespace ms::api {

template <class Request>
partial::EnsembleSettings ensembleSettingsOf(const Request& r) {
    partial::EnsembleSettings ensemble;
    ensemble.members = r.members;
    ensemble.steps = r.steps;
    ensemble.seed = r.seed;
    ensemble.omega = partial::parseOmegaSchedule(r.omega);
    return ensemble;
}

}  // namespace ms::api
