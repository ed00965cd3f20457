#pragma once
// The architecture of a partial-observation network (an MLP for vectors, a U-Net for images) as
// the JSON a model file stores, and the untrained network it describes: shared by the .mpd of
// partial/PartialModelFile and the mask-prior file of partial/MaskPriorFile.
#include <nlohmann/json.hpp>

#include <memory>

#include "partial/PartialDenoiser.h"

namespace ms::partial {

// Throws std::logic_error for a network of another kind.
nlohmann::json denoiserToJson(const PartialDenoiser& net);
// Throws nlohmann::json::exception for missing fields, std::invalid_argument for bad sizes.
std::shared_ptr<PartialDenoiser> denoiserFromJson(const nlohmann::json& json);

}  // namespace ms::partial
