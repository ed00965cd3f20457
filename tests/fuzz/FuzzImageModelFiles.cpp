// libFuzzer target: a damaged or foreign file opened as every image kind of model file the studio
// reads, each read whole (ModelFileReaders.h): an image model (.msi, with or without
// cross-attention), the resume state beside a real image model (.msi.resume, optimizer moments and
// epoch position; MASKSTUDIO_FUZZ_IMAGE_MODEL), a partial-observation model (.mpd) and a mask prior
// (.mpr) of images, a pixel model (.pxm). Seeds: small real models of each kind made by the CLI
// (tests/fuzz/run.sh), 130-450 KB; inputs up to 1 MB (a zip archive's directory is at its end).
#include "ModelFileReaders.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace fuzz_models;
    const std::string& path = inputFile(data, size);
    readImageModel(path);
    readImageModelResumeState(data, size);
    readPartialModel(path);
    readMaskPrior(path);
    readPixelModel(path);
    return 0;
}
