#pragma once
// Keypoint names of the built-in design families. The synthetic generators emit them and the
// drawing code recognises a schema by them, so both must agree on one list.
#include <cstddef>
#include <string>
#include <vector>

namespace ms {

// GeoBIKED order (Mueller et al. 2024); millimetres, y up, wheels resting on y = 0.
inline const std::vector<std::string>& bikeKeypointNames() {
    static const std::vector<std::string> names = {
        "rear_wheel_center",           "BB",
        "front_wheel_center",          "head_tube_top",
        "rear_tube_connect_seat_tube", "top_tube_connect_seat_tube",
        "top_tube_connect_head_tube",  "down_tube_connect_head_tube",
        "stem_top",                    "front_fork",
        "saddle_top",                  "seat_tube_top"};
    return names;
}

// Car side silhouette, front facing +x, ground at y = 0, listed clockwise (with y up) starting
// at the front bumper and running rearwards along the underside, then forwards over the roof.
// Each wheel arch is five points on one circle concentric with the wheel: base (where the arch
// meets the sill), 45-degree point, top, 45-degree point, base.
inline const std::vector<std::string>& carKeypointNames() {
    static const std::vector<std::string> names = {
        "front_bumper_low",
        "front_arch_front_base", "front_arch_front_mid", "front_arch_top",
        "front_arch_rear_mid",   "front_arch_rear_base",
        "rear_arch_front_base",  "rear_arch_front_mid",  "rear_arch_top",
        "rear_arch_rear_mid",    "rear_arch_rear_base",
        "rear_bumper_low",
        "rear_tail",
        "tail_top",
        "rear_window_base",
        "roof_rear",
        "roof_mid",
        "roof_front",
        "windshield_base",
        "hood_front",
        "front_nose"};
    return names;
}

// Index ranges of the two arches in carKeypointNames() (first index, five consecutive points).
constexpr std::size_t kCarFrontArchFirst = 1;
constexpr std::size_t kCarRearArchFirst = 6;
constexpr std::size_t kCarArchPointCount = 5;

}  // namespace ms
