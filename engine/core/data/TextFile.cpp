#include "core/data/TextFile.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/data/DataError.h"

namespace ms {

std::string readTextFile(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw DataError(path, 0, "", "cannot read the file: it does not exist");
    if (std::filesystem::is_directory(path, ec))
        throw DataError(path, 0, "", "cannot read the file: it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path, 0, "", std::string("cannot open the file: ") + std::strerror(errno));
    std::ostringstream contents;
    contents << in.rdbuf();
    if (in.bad()) throw DataError(path, 0, "", std::string("cannot read the file: ") + std::strerror(errno));
    return contents.str();
}

}  // namespace ms
