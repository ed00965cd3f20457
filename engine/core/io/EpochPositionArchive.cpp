#include "core/io/EpochPositionArchive.h"

#include "core/io/ArchiveFile.h"

namespace ms {

nlohmann::json epochPositionJson(const EpochPosition& p) {
    return {{"epoch", p.epoch}, {"rows_done", p.rowsDone}, {"loss_sum", p.lossSum}};
}

EpochPosition epochPositionFromJson(const nlohmann::json& j) {
    EpochPosition p;
    p.epoch = j.at("epoch").get<int64_t>();
    p.rowsDone = j.at("rows_done").get<int64_t>();
    p.lossSum = j.at("loss_sum").get<double>();
    return p;
}

void writeEpochPosition(torch::serialize::OutputArchive& archive, const EpochPosition& p) {
    archive.write("position/epoch", c10::IValue(p.epoch));
    archive.write("position/rows_done", c10::IValue(p.rowsDone));
    archive.write("position/permutation", p.permutation.cpu().contiguous());
    archive.write("position/generator", p.generatorState.cpu().contiguous());
}

bool readEpochPosition(torch::serialize::InputArchive& archive, const std::string& path, EpochPosition& p) {
    c10::IValue epoch, rows;
    at::Tensor permutation, generator;
    if (!archive.try_read("position/epoch", epoch) || !archive.try_read("position/rows_done", rows) || !epoch.isInt() ||
        !rows.isInt() || epoch.toInt() != p.epoch || rows.toInt() != p.rowsDone ||
        !archive.try_read("position/permutation", permutation) || !archive.try_read("position/generator", generator)) {
        p.permutation = at::Tensor();
        p.generatorState = at::Tensor();
        return false;
    }
    requireInsideStorage(permutation, path, "position/permutation");
    requireInsideStorage(generator, path, "position/generator");
    p.permutation = permutation;
    p.generatorState = generator;
    return true;
}

}  // namespace ms
