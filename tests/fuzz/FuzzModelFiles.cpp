// libFuzzer target: a damaged or foreign file opened as every small kind of model file the studio
// reads, each read whole (ModelFileReaders.h): the archive layer, an mcVAE bundle (.msm), a SFARM
// model (.sfm), a partial-observation model (.mpd) and a mask prior (.mpr) of a table, an image pack
// (.mspack). Seeds: small real files of each kind (tests/fuzz/seeds/model/, and tests/fuzz/run.sh
// makes the rest with the CLI), inputs up to 64 KB. The image kinds, whose files are hundreds of
// KB: FuzzImageModelFiles.
#include "ModelFileReaders.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace fuzz_models;
    const std::string& path = inputFile(data, size);
    readArchiveMeta(path);
    readMcVaeBundle(path);
    readSfarmModel(path);
    readPartialModel(path);
    readMaskPrior(path);
    readImagePack(path);
    return 0;
}
