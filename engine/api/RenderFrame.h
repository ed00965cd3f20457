#pragma once
// The render frame's file beside rendered sketches (frame.json) and its JSON in a model's
// training record.
#include <nlohmann/json.hpp>

#include <string>

#include "api/ImageSession.h"

namespace ms::api {

inline constexpr const char* kRenderFrameFile = "frame.json";

nlohmann::json toJson(const ImageRenderFrame& frame);
ImageRenderFrame renderFrameFromJson(const nlohmann::json& j);  // unknown for anything else
// Throws std::runtime_error naming the path when it cannot be written.
void writeRenderFrame(const ImageRenderFrame& frame, const std::string& path);
// The frame.json beside an image data set (its folder, or the folder of its .mspack); unknown when there is none.
ImageRenderFrame readRenderFrameBeside(const std::string& imageSource);

}  // namespace ms::api
