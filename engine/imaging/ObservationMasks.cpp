#include "imaging/ObservationMasks.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "core/data/DataError.h"

namespace ms::imaging {
namespace fs = std::filesystem;

namespace {
constexpr const char* kMaskSuffix = ".mask.png";
constexpr double kGreyShareAllowed = 0.01;  // anti-aliased brush edges; more than this is not a mask
}  // namespace

std::string maskFileFor(const std::string& imageFile) {
    const fs::path p(imageFile);
    return (p.parent_path() / (p.stem().string() + kMaskSuffix)).string();
}

bool isMaskFile(const std::string& file) {
    const std::string suffix = kMaskSuffix;
    return file.size() > suffix.size() && file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string ObservationMaskReport::summary() const {
    std::ostringstream s;
    s << withMask << " image(s) with a mask";
    if (wrongSize) s << ", " << wrongSize << " with a mask of another size skipped";
    if (notBinary) s << ", " << notBinary << " with a mask that is not black and white skipped";
    if (hidesEverything) s << ", " << hidesEverything << " whose mask hides everything skipped";
    if (missingMasks) s << ", " << missingMasks << " whose mask file was not found skipped";
    if (masksWithoutImage) s << ", " << masksWithoutImage << " mask file(s) without their image ignored";
    return s.str();
}

ObservedImages readObservationMasks(const std::string& folder, ImageSet images, ImageProblemPolicy policy,
                                    const std::string& maskColumn) {
    ObservedImages out;
    ObservationMaskReport& rep = out.report;
    const int column = images.conditions.columnIndex(maskColumn);
    const auto side = static_cast<std::size_t>(images.size);
    const std::size_t pixels = side * side, imageBytes = pixels * static_cast<std::size_t>(images.channels);
    const auto problem = [&](std::size_t& counter, const std::string& file, const std::string& what) {
        if (policy == ImageProblemPolicy::Stop) throw DataError(file, 0, "", what);
        ++counter;
        if (rep.messages.size() < 50) rep.messages.push_back(file + ": " + what + " (skipped)");
    };

    ImageSet& kept = out.images;
    kept.conditions.path = images.conditions.path;
    kept.conditions.header = images.conditions.header;
    kept.imageColumn = images.imageColumn;
    kept.channels = images.channels;
    kept.size = images.size;
    kept.source = images.source;
    std::set<std::string> used;
    for (std::size_t i = 0; i < images.files.size(); ++i) {
        std::string maskName = maskFileFor(images.files[i]);
        if (column >= 0) maskName = images.conditions.rows[i][static_cast<std::size_t>(column)];
        const fs::path maskPath = fs::path(folder) / maskName;
        std::vector<uint8_t> observed(pixels, 1);
        std::error_code ec;
        if (!maskName.empty() && fs::is_regular_file(maskPath, ec)) {
            used.insert(fs::weakly_canonical(maskPath).string());
            ImageFile mask;
            try {  // decoded as the images are (a damaged or foreign file is named, never thrown past)
                mask = readImageFile(maskPath.string(), 1);
            } catch (const std::runtime_error& e) {
                const std::string prefix = maskPath.string() + ": ";
                const std::string why = e.what();
                problem(rep.notBinary, maskPath.string(), why.rfind(prefix, 0) == 0 ? why.substr(prefix.size()) : why);
                continue;
            }
            if (static_cast<std::size_t>(mask.height) != side || static_cast<std::size_t>(mask.width) != side) {
                problem(rep.wrongSize, maskPath.string(),
                        "mask is " + std::to_string(mask.width) + "x" + std::to_string(mask.height) + ", its image " +
                            std::to_string(side) + "x" + std::to_string(side));
                continue;
            }
            std::size_t grey = 0, seen = 0;
            for (int y = 0; y < mask.height; ++y)
                for (int x = 0; x < mask.width; ++x) {
                    const uint8_t v = mask.pixels[static_cast<std::size_t>(y) * side + static_cast<std::size_t>(x)];
                    grey += v > 15 && v < 240;
                    const bool on = v >= 128;
                    observed[static_cast<std::size_t>(y) * side + static_cast<std::size_t>(x)] = on;
                    seen += on;
                }
            if (static_cast<double>(grey) > kGreyShareAllowed * static_cast<double>(pixels)) {
                problem(rep.notBinary, maskPath.string(),
                        std::to_string(grey) + " of " + std::to_string(pixels) + " pixels are grey; a mask is white (observed) and black");
                continue;
            }
            if (seen == 0) {
                problem(rep.hidesEverything, maskPath.string(), "the mask hides the whole image: nothing observed to learn from");
                continue;
            }
            ++rep.withMask;
            rep.withGaps += seen < pixels;
        } else if (column >= 0 && !maskName.empty()) {
            problem(rep.missingMasks, maskPath.string(), "mask file named in the '" + maskColumn + "' column not found");
            continue;
        }
        kept.files.push_back(images.files[i]);
        kept.conditions.rows.push_back(images.conditions.rows[i]);
        kept.conditions.lineNumbers.push_back(images.conditions.lineNumbers[i]);
        kept.pixels.insert(kept.pixels.end(), images.pixels.begin() + static_cast<std::ptrdiff_t>(i * imageBytes),
                           images.pixels.begin() + static_cast<std::ptrdiff_t>((i + 1) * imageBytes));
        out.observed.insert(out.observed.end(), observed.begin(), observed.end());
    }
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        if (!entry.is_regular_file() || !isMaskFile(entry.path().filename().string())) continue;
        if (!used.count(fs::weakly_canonical(entry.path()).string())) {
            ++rep.masksWithoutImage;
            if (rep.messages.size() < 50) rep.messages.push_back(entry.path().string() + ": mask without its image (ignored)");
        }
    }
    if (kept.files.empty())  // the first problem names its file and why
        throw DataError(folder, 0, "", "no image left after checking the masks: " + rep.summary() +
                                           (rep.messages.empty() ? std::string() : "; the first: " + rep.messages.front()));
    return out;
}

}  // namespace ms::imaging
