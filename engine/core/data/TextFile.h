#pragma once
// Reading a whole text file with errors that name the file and say what went wrong.
#include <string>

namespace ms {

// The file's bytes as they are (no newline or encoding conversion). Throws DataError when the
// path does not exist, is a directory, or cannot be opened or read.
std::string readTextFile(const std::string& path);

}  // namespace ms
