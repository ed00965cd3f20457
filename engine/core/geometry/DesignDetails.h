#pragma once
// Visible details of a design that are conditions rather than keypoints: a bicycle's rim style
// per wheel and its bottles. The drawing shows them, so a rendered image carries the
// categorical conditions an image model must learn (and a classifier can check).
#include <map>
#include <string>

namespace ms {

enum class RimStyle { Spoked, Trispoke, Disc };

struct DesignDetails {
    RimStyle rimFront = RimStyle::Spoked;
    RimStyle rimRear = RimStyle::Spoked;
    bool bottleSeatTube = false;
    bool bottleDownTube = false;
};

// Reads the details from condition values given as text by column name (class label or number),
// e.g. {"RIM_STYLE front": "disc", "bottle DOWNTUBE0 show OHCLASS: True": "1"}. Columns are
// recognised by name (case-insensitive: "rim" + "front"/"rear", "bottle" + "seattube"/"downtube");
// missing or unknown values keep the defaults (spoked wheels, no bottles).
DesignDetails designDetailsFrom(const std::map<std::string, std::string>& conditionText);

RimStyle rimStyleFromText(const std::string& text);  // "spoked" / "trispoke" / "disc"; else Spoked

}  // namespace ms
